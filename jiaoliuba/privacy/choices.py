from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    EXPORT = "export", _("Copy of my data")
    ERASURE = "erasure", _("Deletion of my data")
    RETENTION = "retention", _("Retention purge")
