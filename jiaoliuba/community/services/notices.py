"""Notice channels (社区子群), notices with read receipts, and residents' replies."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.community import policies, selectors
from jiaoliuba.community.choices import (
    BUILDING_MAX,
    NoticeKind,
    NoticeScope,
    NoticeStatus,
    ReplyStatus,
    Subject,
)
from jiaoliuba.community.models import Notice, NoticeChannel, NoticeReceipt, NoticeReply, ReplyFlag
from jiaoliuba.community.services._common import (
    event,
    limit,
    locked,
    move,
    site_text,
    tell,
    text,
    title,
)
from jiaoliuba.community.transitions import NOTICES
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed
from jiaoliuba.notifications.services import notify, webhook_endpoint_save
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region

# A notice reaches residents by SMS and e-mail as well as the inbox (each person's
# channel preference applies); a reply only by the inbox.
NOTICE_CHANNELS = ("sms", "email")


def channel_ensure(*, region: Region) -> NoticeChannel:
    """The notice channel of a community or a grid, made on first use."""
    if region.level not in (RegionLevel.COMMUNITY, RegionLevel.GRID):
        raise ValidationFailed(
            _("Notice channels belong to a community or a grid."), code="channel_level"
        )
    channel, _created = NoticeChannel.objects.get_or_create(
        region=region, defaults={"region_path": region.path, "created_at": clock.now()}
    )
    return channel


def channel_webhook_set(
    *, actor: User, channel: NoticeChannel, url: str, active: bool = True
) -> NoticeChannel:
    """Forward this channel's notices to `url` (signed JSON, see notifications.tasks)."""
    if not policies.may_run_channel(actor, channel):
        raise PermissionDenied(_("Only staff of this area can run its notice channel."))
    with transaction.atomic():
        endpoint = webhook_endpoint_save(
            actor=actor,
            name=site_text(_("Notice channel of %(name)s"), name=channel.region.name),
            url=url,
            kinds=channel.kind_code,
            active=active,
            endpoint=channel.webhook,
        )
        if channel.webhook_id != endpoint.pk:
            NoticeChannel.objects.filter(pk=channel.pk).update(webhook=endpoint)
            channel.webhook = endpoint
        event(Subject.CHANNEL, channel, "webhook_set", actor=actor, data={"active": active})
    return channel


def _target(
    channel: NoticeChannel, scope: str, grid: Region | None, building: str
) -> tuple[Region | None, str]:
    if scope not in NoticeScope.values:
        raise ValidationFailed(_("Please choose who the notice is for."), code="notice_scope")
    region = channel.region
    if region.level == RegionLevel.GRID:
        if grid is not None and grid.pk != region.pk:
            raise ValidationFailed(
                _("A grid's channel only reaches that grid."), code="notice_scope"
            )
        grid = region
        if scope == NoticeScope.COMMUNITY:
            scope = NoticeScope.GRID
    if scope == NoticeScope.GRID and grid is None:
        raise ValidationFailed(_("Please choose the grid."), code="notice_grid")
    if grid is not None and (grid.level != RegionLevel.GRID or not region.contains(grid)):
        raise ValidationFailed(_("That grid is not in this community."), code="notice_grid")
    building = (building or "").strip()
    if scope == NoticeScope.BUILDING:
        if not building:
            raise ValidationFailed(
                _("Please name the building, e.g. 3号楼."), code="notice_building"
            )
        if len(building) > BUILDING_MAX:
            raise ValidationFailed(_("The building's name is too long."), code="notice_building")
    else:
        building = ""
    if scope == NoticeScope.COMMUNITY:
        grid = None
    return grid, building


def notice_create(
    *,
    actor: User,
    channel: NoticeChannel,
    kind: str,
    title_text: str,
    body: str,
    scope: str = NoticeScope.COMMUNITY,
    grid: Region | None = None,
    building: str = "",
) -> Notice:
    """A draft notice in a channel; nothing is sent until it is published."""
    if not policies.may_run_channel(actor, channel):
        raise PermissionDenied(_("Only staff of this area can post in its notice channel."))
    if kind not in NoticeKind.values:
        raise ValidationFailed(_("Please choose the kind of notice."), code="notice_kind")
    clean_title = title(title_text)
    clean_body = text(body, _("Please write the notice."), code="notice_body")
    grid, building = _target(channel, scope, grid, building)
    with transaction.atomic():
        notice = Notice.objects.create(
            channel=channel,
            region_path=channel.region_path,
            kind=kind,
            title=clean_title,
            body=clean_body,
            scope=NoticeScope.GRID
            if channel.region.level == RegionLevel.GRID and scope == NoticeScope.COMMUNITY
            else scope,
            scope_region=grid,
            building=building,
            author=actor,
            created_at=clock.now(),
        )
        event(Subject.NOTICE, notice, "created", actor=actor, to_status=NoticeStatus.DRAFT)
    return notice


def notice_publish(*, actor: User, notice: Notice) -> Notice:
    """Send the notice: a receipt row per resident it targets, an inbox message (and SMS
    or e-mail as each prefers) to each, and the channel's webhook, all on commit."""
    with transaction.atomic():
        fresh = locked(Notice, notice.pk)
        NOTICES.check(fresh, "publish", actor, _("Only staff of this area can publish it."))
        audience = list(selectors.notice_audience(fresh))
        now = clock.now()
        NoticeReceipt.objects.bulk_create(
            [NoticeReceipt(notice=fresh, user=u) for u in audience], ignore_conflicts=True
        )
        move(
            fresh,
            NoticeStatus.DRAFT,
            status=NoticeStatus.PUBLISHED,
            published_at=now,
            recipients=len(audience),
        )
        event(
            Subject.NOTICE,
            fresh,
            "published",
            actor=actor,
            from_status=NoticeStatus.DRAFT,
            to_status=NoticeStatus.PUBLISHED,
            data={"recipients": len(audience)},
        )
        channel = NoticeChannel.objects.select_related("region").get(pk=fresh.channel_id)
        label = site_text(NoticeKind(fresh.kind).label)
        notify(
            recipients=audience,
            kind=channel.kind_code,
            title=f"【{label}】{fresh.title}",
            body=fresh.body,
            link=f"/community/notices/{fresh.pk}/",
            channels=NOTICE_CHANNELS,
            payload={
                "notice": fresh.pk,
                "community_channel": channel.region.name,
                "kind": fresh.kind,
                "scope": fresh.scope,
                "building": fresh.building,
            },
        )
    return fresh


def notice_withdraw(*, actor: User, notice: Notice, reason: str = "") -> Notice:
    with transaction.atomic():
        fresh = locked(Notice, notice.pk)
        NOTICES.check(fresh, "withdraw", actor, _("Only staff of this area can withdraw it."))
        old = fresh.status
        move(fresh, old, status=NoticeStatus.WITHDRAWN, withdrawn_at=clock.now())
        event(
            Subject.NOTICE,
            fresh,
            "withdrawn",
            actor=actor,
            from_status=old,
            to_status=NoticeStatus.WITHDRAWN,
            data={"reason": (reason or "").strip()[:300]},
        )
    return fresh


def notice_read(*, user: Any, notice: Notice) -> bool:
    """Record that a recipient opened the notice (the first time only). True when this
    call recorded it."""
    if getattr(user, "pk", None) is None or notice.status != NoticeStatus.PUBLISHED:
        return False
    return (
        NoticeReceipt.objects.filter(notice=notice, user=user, read_at__isnull=True).update(
            read_at=clock.now()
        )
        == 1
    )


def reply_post(
    *, actor: User, notice: Notice, body: str, parent: NoticeReply | None = None
) -> NoticeReply:
    """A recipient (or staff of the channel) replies to a published notice or, one level
    deep, to a reply. Staff replies are marked official."""
    staff = policies.may_edit_notice(actor, notice)
    if not staff and not selectors.is_recipient(user=actor, notice=notice):
        raise PermissionDenied(_("Only the residents the notice was sent to can reply."))
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("Replies are open only while the notice is published."), code="closed")
    if parent is not None:
        if parent.notice_id != notice.pk or parent.parent_id is not None:
            raise ValidationFailed(_("You can only reply to a reply of this notice."))
        if parent.status != ReplyStatus.VISIBLE:
            raise Conflict(_("That reply was hidden."), code="reply_hidden")
    if not staff:
        limit("reply", actor)
    clean = text(body, _("Please write your reply."), code="reply_body", max_length=1000)
    with transaction.atomic():
        reply = NoticeReply.objects.create(
            notice=notice,
            parent=parent,
            author=actor,
            official=staff,
            body=clean,
            created_at=clock.now(),
        )
        event(Subject.NOTICE, notice, "replied", actor=actor, data={"reply": reply.pk})
        told = parent.author if parent is not None else (None if staff else notice.author)
        if told is not None and told.pk != actor.pk:
            tell(
                [told],
                "community.reply",
                _("New reply to “%(title)s”"),
                clean,
                f"/community/notices/{notice.pk}/#reply-{reply.pk}",
                title=notice.title,
            )
    return reply


def reply_flag(*, actor: User, reply: NoticeReply) -> NoticeReply:
    """Report a reply to the moderators; once per person and reply."""
    notice = reply.notice
    if not (
        policies.may_edit_notice(actor, notice) or selectors.is_recipient(user=actor, notice=notice)
    ):
        raise PermissionDenied(_("You may not report this reply."))
    if reply.author_id == actor.pk:
        raise Conflict(_("You cannot report your own reply."), code="own_reply")
    limit("flag", actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReplyFlag.objects.create(reply=reply, user=actor, created_at=clock.now())
        except IntegrityError:
            raise Conflict(
                _("You have already reported this reply."), code="already_flagged"
            ) from None
        NoticeReply.objects.filter(pk=reply.pk).update(open_flags=F("open_flags") + 1)
        reply.refresh_from_db(fields=["open_flags"])
    return reply


def reply_hide(*, actor: User, reply: NoticeReply, reason: str) -> NoticeReply:
    """Staff hide a reply with a reason; readers see that it was hidden and why, and the
    author is told."""
    notice = reply.notice
    if not policies.may_edit_notice(actor, notice):
        raise PermissionDenied(_("Only staff of this area can hide replies."))
    clean = text(reason, _("Please give a reason for hiding it."), code="reason", max_length=300)
    with transaction.atomic():
        move(
            reply,
            ReplyStatus.VISIBLE,
            status=ReplyStatus.HIDDEN,
            hidden_reason=clean,
            hidden_by=actor,
            open_flags=0,
        )
        event(
            Subject.REPLY,
            reply,
            "hidden",
            actor=actor,
            from_status=ReplyStatus.VISIBLE,
            to_status=ReplyStatus.HIDDEN,
            data={"notice": notice.pk, "reason": clean},
        )
        if reply.author is not None and reply.author_id != actor.pk:
            tell(
                [reply.author],
                "community.reply_hidden",
                _("Your reply to “%(title)s” was hidden"),
                clean,
                f"/community/notices/{notice.pk}/",
                title=notice.title,
            )
    return reply
