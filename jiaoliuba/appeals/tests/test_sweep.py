import datetime as dt

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import ClosureReason, EventKind, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core import clock
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


@pytest.fixture
def at(monkeypatch):
    """Move the platform's clock: at(datetime) sets now."""
    state = {}

    def move(when: dt.datetime):
        state["now"] = when
        monkeypatch.setattr(clock, "now", lambda: state["now"])
        return when

    return move


def events(appeal, kind):
    return AppealEvent.objects.filter(appeal=appeal, kind=kind).count()


def test_urge_then_supervise_once_each(at, submit, staff):
    at(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH))  # Monday
    appeal = submit()
    assert appeal.response_due_at == dt.datetime(2026, 11, 24, 23, 59, 59, tzinfo=SH)
    assert appeal.next_check_at == appeal.response_due_at - dt.timedelta(hours=4)

    report = services.appeals_sweep(now=at(dt.datetime(2026, 11, 24, 12, 0, tzinfo=SH)))
    assert report.checked == 0  # nothing due yet: the index range is empty

    report = services.appeals_sweep(now=at(dt.datetime(2026, 11, 24, 21, 0, tzinfo=SH)))
    assert report.urged == 1 and events(appeal, EventKind.URGED) == 1
    assert Notification.objects.filter(recipient=staff["grid1"], kind="appeal.urged").count() == 1
    assert services.appeals_sweep(now=clock.now()).urged == 0  # idempotent

    report = services.appeals_sweep(now=at(dt.datetime(2026, 11, 25, 0, 1, tzinfo=SH)))
    assert report.supervised == 1 and events(appeal, EventKind.SUPERVISED) == 1
    assert Notification.objects.filter(
        recipient=staff["secretary"], kind="appeal.supervised"
    ).exists()
    again = services.appeals_sweep(now=at(dt.datetime(2026, 11, 25, 0, 5, tzinfo=SH)))
    assert (again.urged, again.supervised) == (0, 0)
    appeal.refresh_from_db()
    assert appeal.response_supervised_at is not None
    # the resolution clock is still ahead: 3 working days after Monday → Thursday
    assert appeal.next_check_at == dt.datetime(2026, 11, 26, 19, 59, 59, tzinfo=SH)


def test_a_long_outage_supervises_without_a_late_reminder(at, submit, staff):
    at(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH))
    appeal = submit()
    services.appeals_sweep(now=at(dt.datetime(2026, 12, 10, 9, 0, tzinfo=SH)))
    assert events(appeal, EventKind.URGED) == 0
    assert events(appeal, EventKind.SUPERVISED) == 2  # response and resolution
    appeal.refresh_from_db()
    assert appeal.next_check_at is None


def test_accepting_stops_the_response_clock(at, submit, staff):
    at(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH))
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    appeal.refresh_from_db()
    assert appeal.current_due_at == appeal.resolution_due_at
    services.appeals_sweep(now=at(dt.datetime(2026, 11, 25, 1, 0, tzinfo=SH)))
    assert events(appeal, EventKind.SUPERVISED) == 0


def test_resolved_and_not_rated_closes_after_seven_days(at, submit, staff):
    at(dt.datetime(2026, 11, 2, 10, 0, tzinfo=SH))
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已协调")
    services.appeals_sweep(now=at(dt.datetime(2026, 11, 8, 10, 0, tzinfo=SH)))
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RESOLVED
    report = services.appeals_sweep(now=at(dt.datetime(2026, 11, 9, 10, 1, tzinfo=SH)))
    appeal.refresh_from_db()
    assert report.closed_unrated == 1
    assert (appeal.status, appeal.closure_reason) == (Status.CLOSED, ClosureReason.NOT_RATED)
    assert not appeal.ratings.exists()  # never counted as satisfied


def test_public_page_shows_only_consenting_handled_appeals_scrubbed(
    at, submit, staff, resident, client
):
    shown = submit("小区东门路灯坏了", consent_public=True)
    hidden = submit("想咨询法律问题", consent_public=False)
    for appeal in (shown, hidden):
        appeal.refresh_from_db()
        services.appeal_accept(appeal=appeal, actor=appeal.assignee)
        services.appeal_resolve(
            appeal=appeal,
            actor=appeal.assignee,
            reply="已更换路灯，联系电话13912345678，3号楼2单元",
        )
    services.appeal_rate(appeal=shown, actor=resident, level=RatingLevel.SATISFIED, solved=True)
    page = client.get(f"/public/{JIEFANG}/").content.decode()
    assert "已更换路灯" in page
    assert "13912345678" not in page and "3号楼2单元" not in page
    assert page.count("已更换路灯") == 1  # the non-consenting one is absent
    assert "张秀兰" not in page  # no names
    assert "小区东门路灯坏了" in page  # the matter itself, scrubbed (issue 9, item 22)
