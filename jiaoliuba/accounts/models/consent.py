from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField


class GuardianConsent(models.Model):
    """A guardian's consent to processing a child's personal information (PIPL art. 31:
    under fourteen, only with the consent of a parent or other guardian). Recorded by staff
    who saw the guardian, before the child's ID number is accepted."""

    resident = models.ForeignKey(
        "accounts.ResidentProfile",
        on_delete=models.CASCADE,
        related_name="guardian_consents",
        verbose_name=_("resident"),
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=64)
    relation = models.CharField(_("relation to the child"), max_length=32)
    guardian_phone = EncryptedTextField(_("guardian's mobile number"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")

    def __str__(self) -> str:
        return f"{self.guardian_name} ({self.relation})"
