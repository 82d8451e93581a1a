from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.triage.choices import Category, Priority


class TriageFeedback(models.Model):
    """A staff correction of a verdict: who, why, from what to what. Training data for
    the statistical model; the text is kept because the model learns from it."""

    source = models.CharField(_("source"), max_length=64, help_text="e.g. appeals.appeal:123")
    text = models.TextField(
        _("text"),
    )
    predicted_priority = models.CharField(
        _("predicted priority"), max_length=16, choices=Priority.choices
    )
    predicted_category = models.CharField(
        _("predicted category"), max_length=32, choices=Category.choices
    )
    corrected_priority = models.CharField(
        _("corrected priority"), max_length=16, choices=Priority.choices
    )
    corrected_category = models.CharField(
        _("corrected category"), max_length=32, choices=Category.choices
    )
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")

    def __str__(self) -> str:
        return f"{self.source}: {self.predicted_priority}/{self.predicted_category} → {self.corrected_priority}/{self.corrected_category}"
