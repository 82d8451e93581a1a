from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.choices import PATH_MAX
from jiaoliuba.venues.choices import ThemeKind


class Venue(models.Model):
    """A community's physical 交流吧: where it is, how big, its zones and facilities."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("community"),
    )
    region_path = models.CharField(max_length=PATH_MAX, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    area_m2 = models.PositiveIntegerField(_("area (m²)"))
    zones = models.JSONField(_("zones"), default=list, blank=True)
    facilities = models.TextField(_("facilities"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["region_path", "id"]

    def __str__(self) -> str:
        return self.name


class VenuePhoto(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="venues/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("venue photo")
        verbose_name_plural = _("venue photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class OpeningHours(models.Model):
    """One regular opening interval on a weekday (0 = Monday); a day may have several."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A special closure day (renovation, an election...), beside the holiday calendar."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "day"], name="venues_one_closure_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}"


class Theme(models.Model):
    """The month's theme (邻里节, 物业面对面, 法律咨询日…), with its main day if it has one."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="themes")
    month = models.DateField(_("month"))  # the first of the month
    kind = models.CharField(_("theme"), max_length=32, choices=ThemeKind.choices)
    title = models.CharField(_("title"), max_length=100)
    day = models.DateField(_("main day"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("monthly theme")
        verbose_name_plural = _("monthly themes")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "month"], name="venues_one_theme_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"
