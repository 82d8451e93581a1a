import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.core.models import BaseModel


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(BaseModel):
    """A receiver of signed JSON events (see jiaoliuba.notifications.tasks for the format)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField(
        _("signing secret"),
        default=new_webhook_secret,
        help_text=_("Shared with the receiver, which checks X-Jiaoliuba-Signature with it."),
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    kinds = models.CharField(
        _("kinds"),
        max_length=500,
        blank=True,
        help_text=_(
            "Comma-separated kinds or kind prefixes to send, e.g. “appeal, deliberation.vote”; "
            "“appeal” matches appeal.dispatched. Empty: every kind."
        ),
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_prefixes(self) -> list[str]:
        return [p.strip().rstrip(".") for p in self.kinds.split(",") if p.strip().rstrip(".")]

    def subscribes_to(self, kind: str) -> bool:
        prefixes = self.kind_prefixes
        if not prefixes or "*" in prefixes:
            return True
        return any(kind == p or kind.startswith(f"{p}.") for p in prefixes)
