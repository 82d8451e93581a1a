"""The admin-kept working-day calendar. It wins over the `chinesecalendar` package, and
it is the only way to enter a year the package does not know yet (see docs/appeal-loop.md,
"分级、派单与时限"); `jiaoliuba.core.workdays` reads it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class CalendarDay(BaseModel):
    """One day whose status differs from, or confirms, the default: a holiday (国庆节) or
    a make-up working day on a weekend (调休上班). Days not listed follow the package, or
    the statutory fallback for years the package does not know."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a make-up working day (调休上班); leave empty for a day off."),
    )
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("For example 国庆节 or 调休上班.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}".strip()


class CalendarYear(BaseModel):
    """An administrator's confirmation that the official schedule of `year` (holidays
    and 调休 days) has been entered in full as CalendarDay rows. It silences the warning
    for a year the package does not know."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    schedule_complete = models.BooleanField(
        _("schedule entered in full"),
        default=False,
        help_text=_(
            "Tick once every holiday and make-up working day of the official schedule "
            "for this year has been entered under “Holidays”."
        ),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
