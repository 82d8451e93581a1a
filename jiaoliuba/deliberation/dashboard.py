"""The dashboard's "议事" section: topics, meetings, resolutions and milestones counted by
region and period, plugged in through settings.DASHBOARD_SOURCES["sections"]["deliberation"]
(the contract is in jiaoliuba/dashboards/sources.py; dashboards is never imported here).

Counting rules (docs/dashboards.md, docs/meetings.md):
- topics by the local day they were raised, split by source and by the stage they are in now;
- meetings held = concluded in the period (cancelled ones never count), split by kind;
- resolutions by the day each step happened (adopted, published for 公示, in effect,
  returned to the meeting);
- milestones by their due day: on time = done by the end of the due day, late = done after
  it or still open with the due day over; open milestones not yet due are "not due yet" and
  stay out of the on-time rate, as appeals stay out of theirs until due or done.
Everything is placed at the topic's, meeting's or resolution's scope path; a node's row
counts what lies in its subtree, so an item held at a street is in the street's figures
but in none of its communities' rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock
from jiaoliuba.deliberation.choices import OPEN_STAGES, TopicSource, TopicStage
from jiaoliuba.deliberation.meetings.choices import MeetingKind, MeetingStatus
from jiaoliuba.deliberation.models import Meeting, Milestone, Resolution, Topic
from jiaoliuba.regions.models.region import subtree_q

TOPICS, MEETINGS, RESOLUTIONS, MILESTONES = (
    _("Topics raised"),
    _("Meetings held"),
    _("Resolutions"),
    _("Milestones due"),
)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local days start..end (inclusive) as an aware half-open range."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI),
    )


def _grouped(
    rows: QuerySet, path_field: str, width: int, **counts: Any
) -> Iterable[dict[str, Any]]:
    """One row per node of `width` characters with the named counts; rows placed above
    the nodes (a street's meeting when communities are asked for) are dropped."""
    grouped = (
        rows.annotate(node=Substr(path_field, 1, width))
        .values("node")
        .annotate(**counts)
        .order_by()
    )
    return (row for row in grouped if len(row["node"]) == width)


class DeliberationSection:
    key = "deliberation"
    title = _("Deliberation (议事)")
    # (key, label, group): counts, in the order they are shown.
    lines: list[tuple[str, Any, Any]] = [
        ("topics", _("All topics"), TOPICS),
        ("topics_resident", TopicSource.RESIDENT.label, TOPICS),
        ("topics_community", TopicSource.COMMUNITY.label, TOPICS),
        ("topics_assigned", TopicSource.ASSIGNED.label, TOPICS),
        ("topics_open", _("Still open now"), TOPICS),
        ("topics_decided", _("Decided by now"), TOPICS),
        ("topics_dropped", _("Withdrawn or merged by now"), TOPICS),
        ("meetings", _("All meetings held"), MEETINGS),
        ("meetings_regular", MeetingKind.REGULAR.label, MEETINGS),
        ("meetings_joint", MeetingKind.JOINT.label, MEETINGS),
        ("meetings_emergency", MeetingKind.EMERGENCY.label, MEETINGS),
        ("resolutions_adopted", _("Adopted"), RESOLUTIONS),
        ("resolutions_published", _("Put on public notice (公示)"), RESOLUTIONS),
        ("resolutions_effective", _("Took effect"), RESOLUTIONS),
        ("resolutions_returned", _("Returned to the meeting"), RESOLUTIONS),
        ("milestones_on_time", _("Done on time"), MILESTONES),
        ("milestones_late", _("Late (done late or overdue)"), MILESTONES),
        ("milestones_not_due", _("Not due yet"), MILESTONES),
    ]
    # (key, label, numerator, denominators): shown as a rate after the counts.
    rates: list[tuple[str, Any, str, tuple[str, ...]]] = [
        (
            "milestone_on_time_rate",
            _("Milestones on time"),
            "milestones_on_time",
            ("milestones_on_time", "milestones_late"),
        ),
    ]
    # The few lines shown per area in the by-area table.
    area_keys = ("topics", "meetings", "resolutions_adopted", "milestone_on_time_rate")

    def count(
        self, within: str, width: int, start: dt.date, end: dt.date
    ) -> dict[str, dict[str, int]]:
        """{node: {line key: count}} for every node of `width` inside `within` that has
        anything; a node missing from the answer has zero everywhere."""
        low, high = _bounds(start, end)
        found: dict[str, dict[str, int]] = {}

        def add(rows: Iterable[dict[str, Any]], keys: Iterable[str]) -> None:
            for row in rows:
                counts = found.setdefault(row["node"], {})
                for key in keys:
                    counts[key] = counts.get(key, 0) + (row[key] or 0)

        topics = Topic.objects.filter(
            subtree_q(within, field="scope_path"), created_at__gte=low, created_at__lt=high
        )
        topic_counts = {
            "topics": Count("pk"),
            **{
                f"topics_{source}": Count("pk", filter=Q(source=source))
                for source in TopicSource.values
            },
            "topics_open": Count("pk", filter=Q(stage__in=OPEN_STAGES)),
            "topics_decided": Count("pk", filter=Q(stage=TopicStage.DECIDED)),
            "topics_dropped": Count(
                "pk", filter=Q(stage__in=(TopicStage.WITHDRAWN, TopicStage.MERGED))
            ),
        }
        add(_grouped(topics, "scope_path", width, **topic_counts), topic_counts)

        meetings = Meeting.objects.filter(
            subtree_q(within, field="scope_path"),
            status=MeetingStatus.CONCLUDED,
            concluded_at__gte=low,
            concluded_at__lt=high,
        )
        meeting_counts = {
            "meetings": Count("pk"),
            **{f"meetings_{kind}": Count("pk", filter=Q(kind=kind)) for kind in MeetingKind.values},
        }
        add(_grouped(meetings, "scope_path", width, **meeting_counts), meeting_counts)

        resolutions = Resolution.objects.filter(subtree_q(within, field="scope_path"))
        for key, field in (
            ("resolutions_adopted", "created_at"),
            ("resolutions_published", "published_at"),
            ("resolutions_effective", "effective_at"),
            ("resolutions_returned", "returned_at"),
        ):
            rows = resolutions.filter(**{f"{field}__gte": low, f"{field}__lt": high})
            add(_grouped(rows, "scope_path", width, **{key: Count("pk")}), [key])

        today = clock.local_now().date()
        milestones = Milestone.objects.filter(
            subtree_q(within, field="resolution__scope_path"), due_on__gte=start, due_on__lte=end
        ).annotate(done_on=TruncDate("done_at", tzinfo=clock.SHANGHAI))
        milestone_counts = {
            "milestones_on_time": Count("pk", filter=Q(done_on__lte=F("due_on"))),
            "milestones_late": Count(
                "pk",
                filter=Q(done_on__gt=F("due_on")) | Q(done_at__isnull=True, due_on__lt=today),
            ),
            "milestones_not_due": Count("pk", filter=Q(done_at__isnull=True, due_on__gte=today)),
        }
        add(
            _grouped(milestones, "resolution__scope_path", width, **milestone_counts),
            milestone_counts,
        )
        return found


deliberation_section = DeliberationSection()
