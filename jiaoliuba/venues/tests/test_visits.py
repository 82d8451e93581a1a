"""The visit log: a reception logged at the desk, a suggestion turned into an appeal in
one step (linked both ways, nothing retyped), and the year's figures on the venue page
and the dashboard, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import Channel
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards import sources
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.testing.fixtures import DONGFENG, JIANKANG, JIEFANG_G1
from jiaoliuba.venues import participation as venue_participation
from jiaoliuba.venues import selectors, services
from jiaoliuba.venues.choices import VisitOutcome, VisitStatus
from jiaoliuba.venues.models import VenueEvent, Visit

from .conftest import local

DAY = dt.date(2026, 9, 30)


def _log(staff, venue, outcome, hour=10, people=1, **extra):
    return services.visit_log(
        actor=staff,
        venue=venue,
        topic=extra.pop("topic", "楼道灯不亮"),
        outcome=outcome,
        people=people,
        received_at=local(extra.pop("day", DAY), hour),
        **extra,
    )


def test_suggestion_becomes_an_appeal_in_one_step(venue, staff, make_resident):
    resident = make_resident(JIEFANG_G1, name="李大爷", phone="13912345678")
    with clock.pinned(local(DAY, 11)):
        visit = _log(
            staff,
            venue,
            VisitOutcome.REFERRED,
            topic="3号楼楼道灯坏了两周",
            detail="晚上老人上下楼看不清",
            visitor_phone="13912345678",
        )
        assert visit.visitor == resident and visit.visitor_name == "李大爷"
        appeal = services.visit_to_appeal(actor=staff, visit=visit)
        with pytest.raises(Conflict):
            services.visit_to_appeal(actor=staff, visit=visit)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.content == "3号楼楼道灯坏了两周\n晚上老人上下楼看不清"
    assert (appeal.channel, appeal.submitter, appeal.created_by) == (
        Channel.VENUE,
        resident,
        staff,
    )
    assert appeal.received_at == local(DAY, 10)
    assert appeal.community == venue.region and appeal.grid.code == JIEFANG_G1
    visit.refresh_from_db()
    assert (visit.status, visit.appeal) == (VisitStatus.APPEALED, appeal)
    assert appeal.venue_visit == visit  # and back
    assert selectors.visit_for_appeal(user=staff, appeal_id=appeal.pk) == visit
    (ev,) = VenueEvent.objects.filter(visit=visit, kind="visit_appealed")
    assert ev.data["number"] == appeal.number


def test_solved_on_the_spot_is_not_an_appeal(venue, staff):
    with clock.pinned(local(DAY, 11)):
        visit = _log(staff, venue, VisitOutcome.SOLVED)
        with pytest.raises(ValidationFailed):
            services.visit_to_appeal(actor=staff, visit=visit)
    assert Appeal.objects.count() == 0


def test_only_the_communitys_desk_logs_and_reads(venue, staff, grid_worker, make_staff):
    outsider = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    with clock.pinned(local(DAY, 11)):
        visit = _log(grid_worker, venue, VisitOutcome.SUGGESTION)  # its grid worker may
        with pytest.raises(PermissionDenied):
            _log(outsider, venue, VisitOutcome.SUGGESTION)
        with pytest.raises(PermissionDenied):
            services.visit_to_appeal(actor=outsider, visit=visit)
    with pytest.raises(NotFound):
        selectors.access_visit(user=outsider, visit_id=visit.pk)
    assert list(selectors.visit_list(user=outsider, venue=venue)) == []
    with pytest.raises(ValidationFailed):
        _log(staff, venue, "nonsense")
    with pytest.raises(ValidationFailed):
        _log(staff, venue, VisitOutcome.SOLVED, people=0)
    assert Visit.objects.count() == 1


def test_year_figures_and_dashboard_worked_by_hand(venue, staff, make_resident):
    resident = make_resident(JIEFANG_G1, phone="13911112222")
    with clock.pinned(local(dt.date(2026, 12, 1), 9)):
        # 2026: 5 visits bringing 1 + 3 + 1 + 2 + 1 = 8 people.
        _log(staff, venue, VisitOutcome.SUGGESTION, day=dt.date(2026, 1, 5))
        _log(staff, venue, VisitOutcome.MEDIATION, people=3, day=dt.date(2026, 3, 1))
        _log(staff, venue, VisitOutcome.SOLVED, day=dt.date(2026, 3, 2))
        referred = _log(
            staff,
            venue,
            VisitOutcome.REFERRED,
            people=2,
            day=dt.date(2026, 3, 2),
            visitor_phone="13911112222",
        )
        _log(staff, venue, VisitOutcome.SUGGESTION, day=dt.date(2026, 12, 1), hour=8)
        # 2025-12-31 23:30 local is last year's.
        services.visit_log(
            actor=staff,
            venue=venue,
            topic="跨年",
            outcome=VisitOutcome.SOLVED,
            received_at=local(dt.date(2025, 12, 31), 23, 30),
        )
        services.visit_to_appeal(actor=staff, visit=referred)
    figures = selectors.venue_year_figures(venue, 2026)
    assert (figures.people, figures.visits) == (8, 5)
    assert (figures.suggestions, figures.solved, figures.mediations, figures.referred) == (
        2,
        1,
        1,
        1,
    )
    assert figures.appeals == 1
    assert selectors.venue_year_figures(venue, 2025).people == 1
    # The dashboard's 场所到访: people received in the street's subtree, March only: 3 + 1 + 2.
    street = venue.region.parent
    assert street.code == DONGFENG
    assert sources.venue_visits(street.path, dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 6
    assert sources.venue_visits(street.path, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 8
    # The ranking's grouped form answers what the per-node form answers, node by node.
    city = street.parent.parent
    for within, width in ((street.path, len(venue.region.path)), (city.path, len(street.path))):
        for start, end in (
            (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            (dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
        ):
            grouped = venue_participation.venue_visits_by_node(within, width, start, end)
            assert grouped and all(len(node) == width for node in grouped)
            assert grouped == {node: sources.venue_visits(node, start, end) for node in grouped}
            assert sum(grouped.values()) == sources.venue_visits(within, start, end)
    assert sources.by_node(
        "venue_visits",
        street.path,
        len(venue.region.path),
        [venue.region.path, "none"],
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    ) == {venue.region.path: 6, "none": 0}
    # Participation: the one visit logged with a resident.
    (venue_source,) = [s for s in sources.sources("participation") if s.key == "venues"]
    counts = venue_source.provider.count(
        street.path, len(street.path), dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    )
    assert counts == {street.path: 1}
    assert resident.pk in {
        r[0]
        for r in venue_source.provider.acts(street.path, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    }
    # The dashboard's figure 场所到访 itself, for the street in March: 3 + 1 + 2 people.
    march = parse_period("month", "2026-03-01", None, today=dt.date(2026, 12, 2))
    shown = dashboard_selectors.kpi_figures(region=street, period=march)
    assert shown["venue_visits"].value == 6
