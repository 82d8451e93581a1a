from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """One fixed-window counter of jiaoliuba.core.ratelimit when the cache is not Redis.
    The database cache cannot count: its incr is a read followed by a write, so parallel
    requests all read the same number. These rows are bumped by a single upsert."""

    key = models.CharField(_("key"), max_length=250, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("window ends"), db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
