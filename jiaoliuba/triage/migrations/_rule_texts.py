"""The one step of the text migrations 0007–0010: a default rule's row is rewritten only
while it still holds exactly the text installed before (an administrator's edit is kept,
and so is whether the row is active), with a new `version` and `updated_at`.

Frozen like the migrations that call it: change what it does and every one of them
changes after the fact. A migration that needs something else writes its own step.
(Django's loader skips modules whose names start with "_", so this is not a migration.)"""

from django.db.models import F
from django.utils import timezone


def replace(apps, pairs):
    """`pairs`: (the row's fields as they were, the fields it becomes)."""
    TriageRule = apps.get_model("triage", "TriageRule")
    now = timezone.now()
    for was, becomes in pairs:
        TriageRule.objects.filter(**was).update(**becomes, version=F("version") + 1, updated_at=now)
