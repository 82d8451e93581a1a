"""Notice channels: targeting, read receipts, replies and moderation, the transition
table and its events, the channel webhook."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from jiaoliuba.community import selectors, services
from jiaoliuba.community.choices import NoticeKind, NoticeScope, NoticeStatus, ReplyStatus
from jiaoliuba.community.models import CommunityEvent, NoticeReceipt
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from jiaoliuba.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db(transaction=False)


def _notice(actor, region, scope=NoticeScope.COMMUNITY, grid=None, building="", publish=True):
    channel = services.channel_ensure(region=region)
    notice = services.notice_create(
        actor=actor,
        channel=channel,
        kind=NoticeKind.WEATHER,
        title_text="防汛预警：今晚有暴雨",
        body="请低洼处住户注意，地下车库车辆请移出。",
        scope=scope,
        grid=grid,
        building=building,
    )
    return services.notice_publish(actor=actor, notice=notice) if publish else notice


def _recipients(notice):
    return set(
        NoticeReceipt.objects.filter(notice=notice).values_list("user__display_name", flat=True)
    )


def test_a_community_notice_reaches_every_resident_and_counts_reads(staff, people, community):
    notice = _notice(staff, community)
    assert _recipients(notice) == {"张秀兰", "李建国", "王海燕", "赵明华"}
    assert notice.recipients == 4
    # One inbox message each, titled with the kind.
    assert Notification.objects.filter(kind=f"community.notice.r{community.code}").count() == 4
    assert Notification.objects.filter(recipient=people["zhang"], title__startswith="【").exists()
    assert selectors.receipt_counts(user=staff, notice=notice) == {
        "total": 4,
        "read": 0,
        "unread": 4,
    }

    assert services.notice_read(user=people["zhang"], notice=notice) is True
    first = NoticeReceipt.objects.get(notice=notice, user=people["zhang"]).read_at
    assert services.notice_read(user=people["zhang"], notice=notice) is False  # first time kept
    assert NoticeReceipt.objects.get(notice=notice, user=people["zhang"]).read_at == first
    assert services.notice_read(user=people["next_door"], notice=notice) is False
    assert selectors.receipt_counts(user=staff, notice=notice) == {
        "total": 4,
        "read": 1,
        "unread": 3,
    }
    # A resident sees only their own state, never the counts or the readers.
    assert selectors.receipt_counts(user=people["zhang"], notice=notice) is None
    assert not selectors.readers(user=people["zhang"], notice=notice).exists()


def test_grid_and_building_targets(staff, people, community, grid1):
    grid_notice = _notice(staff, community, NoticeScope.GRID, grid=grid1)
    assert _recipients(grid_notice) == {"张秀兰", "李建国", "王海燕"}
    building = _notice(staff, community, NoticeScope.BUILDING, grid=grid1, building="3号楼")
    assert _recipients(building) == {"张秀兰", "李建国"}
    with pytest.raises(ValidationFailed):
        _notice(staff, community, NoticeScope.BUILDING, building="")
    with pytest.raises(ValidationFailed):
        _notice(staff, community, NoticeScope.GRID)  # no grid named


def test_grid_workers_run_their_grid_channel_only(worker, people, community, grid1):
    with pytest.raises(PermissionDenied):
        _notice(worker, community)
    notice = _notice(worker, grid1)  # a grid channel reaches its grid
    assert notice.scope == NoticeScope.GRID
    assert _recipients(notice) == {"张秀兰", "李建国", "王海燕"}


def test_transitions_are_checked_and_leave_events(staff, people, community):
    draft = _notice(staff, community, publish=False)
    assert draft.status == NoticeStatus.DRAFT and not NoticeReceipt.objects.exists()
    published = services.notice_publish(actor=staff, notice=draft)
    with pytest.raises(Conflict):
        services.notice_publish(actor=staff, notice=published)
    with pytest.raises(PermissionDenied):
        services.notice_withdraw(actor=people["zhang"], notice=published)
    services.notice_withdraw(actor=staff, notice=published, reason="时间有变")
    kinds = list(
        CommunityEvent.objects.filter(subject="notice", subject_id=draft.pk).values_list(
            "kind", "from_status", "to_status"
        )
    )
    assert kinds == [
        ("created", "", "draft"),
        ("published", "draft", "published"),
        ("withdrawn", "published", "withdrawn"),
    ]
    # Withdrawn: residents no longer reach it.
    with pytest.raises(NotFound):
        selectors.access_notice(user=people["zhang"], notice_id=draft.pk)


def test_who_can_open_a_notice(staff, people, community, grid1, make_staff):
    public = _notice(staff, community)
    grid_only = _notice(staff, community, NoticeScope.GRID, grid=grid1)
    other_staff = make_staff("community_staff", "411702001002")
    assert selectors.access_notice(user=AnonymousUser(), notice_id=public.pk) == public
    for outsider in (AnonymousUser(), people["zhao"], people["next_door"], other_staff):
        with pytest.raises(NotFound):
            selectors.access_notice(user=outsider, notice_id=grid_only.pk)
    assert selectors.access_notice(user=people["zhang"], notice_id=grid_only.pk) == grid_only


def test_replies_one_level_moderated(staff, people, community, grid1, settings):
    notice = _notice(staff, community, NoticeScope.GRID, grid=grid1)
    question = services.reply_post(
        actor=people["zhang"], notice=notice, body="<script>alert(1)</script>车库几点前挪？"
    )
    answer = services.reply_post(actor=staff, notice=notice, body="晚上八点前。", parent=question)
    assert answer.official and not question.official
    # The asker is told of the answer; staff of the resident's reply.
    assert Notification.objects.filter(recipient=people["zhang"], kind="community.reply").exists()
    assert Notification.objects.filter(recipient=staff, kind="community.reply").exists()
    with pytest.raises(ValidationFailed):
        services.reply_post(actor=people["li"], notice=notice, body="再回", parent=answer)
    with pytest.raises(PermissionDenied):  # grid 2 was not sent it
        services.reply_post(actor=people["zhao"], notice=notice, body="我也想问")
    with pytest.raises(ValidationFailed):
        services.reply_post(actor=people["li"], notice=notice, body="   ")

    flagged = services.reply_flag(actor=people["li"], reply=question)
    assert flagged.open_flags == 1
    with pytest.raises(Conflict):
        services.reply_flag(actor=people["li"], reply=question)
    assert list(selectors.flagged_replies(user=staff, community=community)) == [question]
    with pytest.raises(PermissionDenied):
        services.reply_hide(actor=people["li"], reply=question, reason="无关")
    with pytest.raises(ValidationFailed):
        services.reply_hide(actor=staff, reply=question, reason="")
    hidden = services.reply_hide(actor=staff, reply=question, reason="含无关链接")
    assert hidden.status == ReplyStatus.HIDDEN and hidden.open_flags == 0
    assert not selectors.flagged_replies(user=staff, community=community).exists()

    settings.COMMUNITY_POSTS_PER_HOUR = 2
    services.reply_post(actor=people["wang"], notice=notice, body="一")
    services.reply_post(actor=people["wang"], notice=notice, body="二")
    with pytest.raises(RateLimited):
        services.reply_post(actor=people["wang"], notice=notice, body="三")


def test_the_channel_webhook_gets_its_notices_only(
    staff, people, community, grid1, django_capture_on_commit_callbacks
):
    channel = services.channel_ensure(region=community)
    with pytest.raises(ValidationFailed):
        services.channel_webhook_set(actor=staff, channel=channel, url="ftp://x")
    with pytest.raises(PermissionDenied):
        services.channel_webhook_set(
            actor=people["zhang"], channel=channel, url="https://bot.example/hook"
        )
    services.channel_webhook_set(actor=staff, channel=channel, url="https://bot.example/hook")
    channel.refresh_from_db()
    assert channel.webhook.kinds == f"community.notice.r{community.code}"
    assert channel.webhook.secret  # generated, shared with the receiver
    with django_capture_on_commit_callbacks() as callbacks:
        notice = _notice(staff, community)
    assert callbacks  # deliveries are enqueued on commit
    hooks = Delivery.objects.filter(endpoint=channel.webhook)
    assert hooks.count() == 1
    payload = hooks.get().payload
    assert payload["title"].endswith("防汛预警：今晚有暴雨")
    assert payload["payload"]["notice"] == notice.pk
    assert "phone" not in str(payload)
    _notice(staff, grid1)  # the grid's channel: not forwarded by the community's webhook
    assert hooks.count() == 1
