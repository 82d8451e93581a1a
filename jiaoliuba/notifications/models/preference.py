from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelPreference(models.Model):
    """Which channels besides the inbox a person wants: `notify` leaves out a channel
    switched off here. No row means both on (the inbox is always kept)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    sms = models.BooleanField(_("by SMS"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def allows(self, channel: str) -> bool:
        return bool(getattr(self, channel, True))
