"""Votes as participation (参与率), plugged into the dashboard through
settings.DASHBOARD_SOURCES["participation"]["votes"] (the contract is in
jiaoliuba/dashboards/sources.py). Read from the voter register, never the ballot box: a
secret ballot says that someone voted, not how. The day is the local date of the vote."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from jiaoliuba.deliberation.models import VoterRecord
from jiaoliuba.deliberation.voting.selectors import voter_acts, voters_in


class VoteParticipation:
    resident_field = "voter_id"
    path_field = "voter_path"

    def rows(self, within: str, start: dt.date, end: dt.date) -> QuerySet[VoterRecord]:
        return voters_in(within, start, end)

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date, unit: str | None = None
    ) -> dict[str, int]:
        grouped = (
            self.rows(within, start, end)
            .annotate(node=Substr("voter_path", 1, width))
            .values("node")
            .annotate(n=Count("voter_id", distinct=True))
            .order_by()
        )
        return {row["node"]: row["n"] for row in grouped if len(row["node"]) == width}

    def acts(self, within: str, start: dt.date, end: dt.date) -> QuerySet:
        return voter_acts(within, start, end)

    def took_part(self, resident: OuterRef, within: str, start: dt.date, end: dt.date) -> Exists:
        return Exists(self.rows(within, start, end).filter(voter_id=resident))


vote_participation = VoteParticipation()
