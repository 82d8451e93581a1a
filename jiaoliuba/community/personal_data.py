"""The person's wishes, ideas, stories, notice replies and read receipts (contract:
core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.community.models import Idea, NoticeReceipt, NoticeReply, Story, Wish
from jiaoliuba.core.personal_data import Retention, section


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "wishes": section(
            _("My wishes"),
            Wish.objects.filter(author=user).order_by("created_at"),
            ["community__name", "title", "body", "status", "fulfilment", "created_at"],
        ),
        "wishes_claimed": section(
            _("Wishes I took on"),
            Wish.objects.filter(claimed_by=user).order_by("created_at"),
            ["title", "status", "claimed_at", "fulfilled_at"],
        ),
        "ideas": section(
            _("My ideas"),
            Idea.objects.filter(author=user).order_by("created_at"),
            ["title", "body", "consent_public", "status", "effect", "points", "created_at"],
        ),
        "stories": section(
            _("My stories"),
            Story.objects.filter(author=user).order_by("pk"),
            ["title", "body", "status"],
        ),
        "notice_replies": section(
            _("My replies to notices"),
            NoticeReply.objects.filter(author=user).order_by("created_at"),
            ["notice__title", "body", "status", "created_at"],
        ),
        "notice_receipts": section(
            _("Notices sent to me"),
            NoticeReceipt.objects.filter(user=user),
            ["notice__title", "read_at"],
        ),
    }


@transaction.atomic
def forget(user: User) -> int:
    """Ideas leave the public board; what was written stays, under no name; receipts go."""
    changed = Idea.objects.filter(author=user).update(consent_public=False)
    return changed + NoticeReceipt.objects.filter(user=user).delete()[0]


RETENTION: list[Retention] = []
