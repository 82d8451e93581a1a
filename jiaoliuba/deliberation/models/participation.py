from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.deliberation.choices import ActKind
from jiaoliuba.regions.choices import PATH_MAX


class ParticipationAct(models.Model):
    """A registered resident took part in deliberation on a day (参与率). Written by the
    service that does the act; at most one row per person, kind, topic and day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where the resident is registered when they act: the figure counts residents of
    # the scope, like the appeals' submitter path.
    resident_path = models.CharField(max_length=PATH_MAX)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=ActKind.choices)
    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.CASCADE, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("participation act")
        verbose_name_plural = _("participation acts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "topic", "day"], name="participation_act_once"
            )
        ]
        indexes = [models.Index(fields=["day", "resident_path", "user"], name="deliberation_acts")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.day}"
