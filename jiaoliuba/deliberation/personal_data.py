"""The person's topics, comments, support, votes taken part in, meetings and ratings
(contract: core/personal_data.py). A secret ballot is not the person's data to hand back:
the ballot box holds no link from a choice to a voter, so the copy says only that they voted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.personal_data import ERASED_NAME
from jiaoliuba.core.personal_data import Retention, section
from jiaoliuba.deliberation.models import (
    Comment,
    MeetingParty,
    Objection,
    OutcomeRating,
    Statement,
    StatementVote,
    Topic,
    TopicFollow,
    TopicSupport,
    VoterRecord,
)


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "topics_proposed": section(
            _("Topics I proposed"),
            Topic.objects.filter(proposer=user),
            ["title", "body", "source", "stage", "created_at"],
        ),
        "comments": section(
            _("My comments"),
            Comment.objects.filter(author=user).order_by("created_at"),
            ["topic__title", "body", "show_name", "status", "created_at"],
        ),
        "topics_supported": section(
            _("Topics I supported"),
            TopicSupport.objects.filter(user=user),
            ["topic__title", "created_at"],
        ),
        "topics_followed": section(
            _("Topics I follow"),
            TopicFollow.objects.filter(user=user),
            ["topic__title", "created_at"],
        ),
        "votes_taken_part_in": section(
            _("Votes I took part in (not my choices: ballots are secret)"),
            VoterRecord.objects.filter(voter=user),
            ["vote__title", "channel", "created_at"],
        ),
        "consensus_statements": section(
            _("My statements on consensus maps"),
            Statement.objects.filter(author=user),
            ["body", "created_at"],
        ),
        "consensus_opinions": section(
            _("My opinions on statements"),
            StatementVote.objects.filter(voter=user),
            ["statement__body", "value", "updated_at"],
        ),
        "meetings": section(
            _("Meetings I was invited to"),
            MeetingParty.objects.filter(user=user),
            ["meeting__title", "side", "name", "invited_at", "attended_at"],
        ),
        "objections": section(
            _("My objections to resolutions"),
            Objection.objects.filter(author=user),
            ["text", "status", "answer", "created_at"],
        ),
        "outcome_ratings": section(
            _("My ratings of resolutions"),
            OutcomeRating.objects.filter(user=user),
            ["level", "solved", "comment", "created_at"],
        ),
    }


@transaction.atomic
def forget(user: User) -> int:
    """Comments, statements and objections stay in their discussions (others replied to
    them) under no name; follows go; support, votes and meeting attendance still count."""
    changed = TopicFollow.objects.filter(user=user).delete()[0]
    changed += Comment.objects.filter(author=user).update(show_name=False, author_building="")
    changed += MeetingParty.objects.filter(user=user).update(name=ERASED_NAME)
    return changed


RETENTION: list[Retention] = []
