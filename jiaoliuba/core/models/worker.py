from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(
        _("process id"),
    )
    started_at = models.DateTimeField(
        _("started at"),
    )
    last_seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class PeriodicTaskRun(models.Model):
    """When each periodic task was last enqueued; workers claim a run by
    compare-and-set on this row so several workers never enqueue the same run twice."""

    name = models.CharField(max_length=200, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
