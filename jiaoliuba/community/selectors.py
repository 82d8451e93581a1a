"""Reads of the community app. The community page is public: published community-wide
notices, the wish wall, consented adopted ideas and published stories. Everything else
is read on behalf of a person and limited to them (recipients, authors) or to staff of
the area (access_* raise NotFound outside it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile, RoleAssignment, User
from jiaoliuba.accounts.selectors import scope_q
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.community import policies
from jiaoliuba.community.choices import (
    IdeaStatus,
    NoticeScope,
    NoticeStatus,
    ReplyStatus,
    StoryStatus,
    WishStatus,
)
from jiaoliuba.community.models import (
    Idea,
    Notice,
    NoticeChannel,
    NoticeReceipt,
    NoticeReply,
    Story,
    StoryMedia,
    Wish,
)
from jiaoliuba.core.errors import NotFound
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q


def _pk(user: Any) -> int:
    return getattr(user, "pk", None) or 0


def access_community(*, region_id: int) -> Region:
    """A community by its primary key (the page is public); anything else is a 404."""
    found = Region.objects.filter(pk=region_id, level=RegionLevel.COMMUNITY).first()
    if found is None:
        raise NotFound(_("No such community."), code="community_not_found")
    return found


def channel_region(*, region_id: int | None) -> Region:
    """A community or a grid (the regions that have notice channels), or a 404."""
    found = Region.objects.filter(
        pk=region_id or 0, level__in=(RegionLevel.COMMUNITY, RegionLevel.GRID)
    ).first()
    if found is None:
        raise NotFound(_("Not found."), code="region_not_found")
    return found


def grids_with_workers(*, community: Region) -> list[dict[str, Any]]:
    """The community's grids, each with its grid workers' names (shown publicly as the
    people who run the grid's notice channel)."""
    grids = list(Region.objects.filter(parent=community, level=RegionLevel.GRID).order_by("code"))
    workers: dict[int, list[str]] = {}
    for ra in RoleAssignment.objects.filter(
        region__in=grids, role=Role.GRID_WORKER, user__is_active=True
    ).select_related("user"):
        workers.setdefault(ra.region_id, []).append(ra.user.display_name or str(ra.user))
    return [{"grid": g, "workers": workers.get(g.pk, [])} for g in grids]


def channel_of(*, region: Region) -> NoticeChannel | None:
    return NoticeChannel.objects.filter(region=region).select_related("region", "webhook").first()


# --- notices ---------------------------------------------------------------------------


def notice_audience(notice: Notice) -> QuerySet[User]:
    """The active residents a notice targets: the channel's subtree, narrowed to a grid,
    and to a building by the start of the address ("3号楼…")."""
    path = notice.scope_region.path if notice.scope_region else notice.region_path
    profiles = ResidentProfile.objects.filter(subtree_q(path, field="region_path"))
    if notice.scope == NoticeScope.BUILDING:
        profiles = profiles.filter(address__startswith=notice.building)
    return User.objects.filter(pk__in=profiles.values("user_id"), is_active=True).order_by("pk")


def is_recipient(*, user: Viewer, notice: Notice) -> bool:
    return NoticeReceipt.objects.filter(notice=notice, user_id=_pk(user)).exists()


def _public_notice_q() -> Q:
    return Q(status=NoticeStatus.PUBLISHED, scope=NoticeScope.COMMUNITY)


def access_notice(*, user: Viewer, notice_id: int) -> Notice:
    """Staff of the channel's area see every notice; a recipient the published ones sent
    to them; anyone a published community-wide notice (the 公告栏)."""
    notice = (
        Notice.objects.filter(pk=notice_id)
        .select_related("channel__region", "scope_region", "author")
        .first()
    )
    if notice is None:
        raise NotFound(_("No such notice."), code="notice_not_found")
    if policies.may_edit_notice(user, notice):
        return notice
    if notice.status == NoticeStatus.PUBLISHED and (
        notice.scope == NoticeScope.COMMUNITY or is_recipient(user=user, notice=notice)
    ):
        return notice
    raise NotFound(_("No such notice."), code="notice_not_found")


def notices_on_page(*, user: Viewer, community: Region, limit: int = 10) -> list[Notice]:
    """Published notices of the community: the community-wide ones and those sent to the
    user, newest first, each with `my_read_at` (None: unread or not a recipient)."""
    mine = NoticeReceipt.objects.filter(user_id=_pk(user)).values("notice_id")
    rows = list(
        Notice.objects.filter(
            subtree_q(community.path, field="region_path"),
            Q(scope=NoticeScope.COMMUNITY) | Q(pk__in=mine),
            status=NoticeStatus.PUBLISHED,
        )
        .select_related("channel__region")
        .order_by("-published_at", "-pk")[:limit]
    )
    read = dict(
        NoticeReceipt.objects.filter(user_id=_pk(user), notice__in=rows).values_list(
            "notice_id", "read_at"
        )
    )
    for n in rows:
        n.is_mine = n.pk in read  # type: ignore[attr-defined]
        n.my_read_at = read.get(n.pk)  # type: ignore[attr-defined]
    return rows


def my_notices(*, user: Viewer, limit: int = 50) -> QuerySet[NoticeReceipt]:
    """The caller's received notices with their read state (the API's /notices/mine)."""
    return (
        NoticeReceipt.objects.filter(user_id=_pk(user), notice__status=NoticeStatus.PUBLISHED)
        .select_related("notice__channel__region")
        .order_by("-notice__published_at", "-notice_id")[:limit]
    )


def my_receipt(*, user: Viewer, notice: Notice) -> NoticeReceipt | None:
    return NoticeReceipt.objects.filter(notice=notice, user_id=_pk(user)).first()


def notices_managed(*, user: Viewer, community: Region) -> QuerySet[Notice]:
    """Staff: the notices of the community's channels in their scope, with read counts."""
    return (
        Notice.objects.filter(
            subtree_q(community.path, field="region_path"),
            scope_q(user, field="region_path"),
        )
        .select_related("channel__region", "scope_region", "author")
        .annotate(read=Count("receipts", filter=Q(receipts__read_at__isnull=False)))
        .order_by("-created_at", "-pk")
    )


def receipt_counts(*, user: Viewer, notice: Notice) -> dict[str, int] | None:
    """Staff only: how many it was sent to and how many have read it; None otherwise
    (a resident sees only their own state)."""
    if not policies.may_edit_notice(user, notice):
        return None
    total = NoticeReceipt.objects.filter(notice=notice).count()
    read = NoticeReceipt.objects.filter(notice=notice, read_at__isnull=False).count()
    return {"total": total, "read": read, "unread": total - read}


def readers(*, user: Viewer, notice: Notice) -> QuerySet[NoticeReceipt]:
    """Staff only: who has read it (and who not yet)."""
    if not policies.may_edit_notice(user, notice):
        return NoticeReceipt.objects.none()
    return (
        NoticeReceipt.objects.filter(notice=notice)
        .select_related("user")
        .order_by("read_at", "user_id")
    )


def replies_of(*, notice: Notice) -> list[NoticeReply]:
    """Top-level replies with their answers (one level), oldest first."""
    return list(
        NoticeReply.objects.filter(notice=notice, parent__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=NoticeReply.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def access_reply(*, user: Viewer, reply_id: int) -> NoticeReply:
    reply = NoticeReply.objects.filter(pk=reply_id).select_related("notice", "author").first()
    if reply is None:
        raise NotFound(_("No such reply."), code="reply_not_found")
    access_notice(user=user, notice_id=reply.notice_id)
    return reply


def flagged_replies(*, user: Viewer, community: Region) -> QuerySet[NoticeReply]:
    return (
        NoticeReply.objects.filter(
            subtree_q(community.path, field="notice__region_path"),
            scope_q(user, field="notice__region_path"),
            status=ReplyStatus.VISIBLE,
            open_flags__gt=0,
        )
        .select_related("notice", "author")
        .order_by("-open_flags", "created_at")
    )


# --- 心愿墙 -----------------------------------------------------------------------------


def wish_wall(*, community: Region, limit: int = 30) -> QuerySet[Wish]:
    """Open, claimed and fulfilled wishes (public): open ones first, then the newest."""
    return (
        Wish.objects.filter(region_path=community.path)
        .exclude(status=WishStatus.WITHDRAWN)
        .select_related("author", "claimed_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def access_wish(*, user: Viewer, wish_id: int) -> Wish:
    wish = Wish.objects.filter(pk=wish_id).select_related("author", "claimed_by").first()
    if wish is None or (
        wish.status == WishStatus.WITHDRAWN
        and wish.author_id != _pk(user)
        and not policies.is_staff_of(user, wish.region_path)
    ):
        raise NotFound(_("No such wish."), code="wish_not_found")
    return wish


def wish_counts(*, community: Region) -> dict[str, int]:
    rows = Wish.objects.filter(region_path=community.path).values("status").annotate(n=Count("pk"))
    counts = {r["status"]: r["n"] for r in rows}
    return {s: counts.get(s, 0) for s in WishStatus.values}


# --- 金点子榜 ---------------------------------------------------------------------------


def idea_board(*, community: Region, limit: int = 30) -> QuerySet[Idea]:
    """Adopted ideas whose authors agreed to show them, newest adoption first."""
    return (
        Idea.objects.filter(
            region_path=community.path, status=IdeaStatus.ADOPTED, consent_public=True
        )
        .select_related("author")
        .order_by("-decided_at", "-pk")[:limit]
    )


def my_ideas(*, user: Viewer, community: Region) -> QuerySet[Idea]:
    return Idea.objects.filter(region_path=community.path, author_id=_pk(user)).order_by(
        "-created_at"
    )


def ideas_pending(*, user: Viewer, community: Region) -> QuerySet[Idea]:
    return (
        Idea.objects.filter(
            scope_q(user, field="region_path"),
            region_path=community.path,
            status=IdeaStatus.SUBMITTED,
        )
        .select_related("author")
        .order_by("created_at")
    )


def access_idea(*, user: Viewer, idea_id: int) -> Idea:
    idea = Idea.objects.filter(pk=idea_id).select_related("author").first()
    if idea is None or not (
        idea.author_id == _pk(user) or policies.is_staff_of(user, idea.region_path)
    ):
        raise NotFound(_("No such idea."), code="idea_not_found")
    return idea


# --- 社区故事 ---------------------------------------------------------------------------


def _with_media(qs: QuerySet[Story]) -> QuerySet[Story]:
    return qs.select_related("author", "session__service").prefetch_related(
        Prefetch("media", queryset=StoryMedia.objects.order_by("pk"))
    )


def stories_published(*, community: Region, limit: int = 12) -> QuerySet[Story]:
    return _with_media(
        Story.objects.filter(region_path=community.path, status=StoryStatus.PUBLISHED)
    ).order_by("-published_at", "-pk")[:limit]


def stories_pending(*, user: Viewer, community: Region) -> QuerySet[Story]:
    return _with_media(
        Story.objects.filter(
            scope_q(user, field="region_path"),
            region_path=community.path,
            status=StoryStatus.SUBMITTED,
        )
    ).order_by("created_at")


def my_stories(*, user: Viewer, community: Region) -> QuerySet[Story]:
    return Story.objects.filter(region_path=community.path, author_id=_pk(user)).order_by(
        "-created_at"
    )


def access_story(*, user: Viewer, story_id: int) -> Story:
    """Published stories are public (shareable); others only to their author and staff."""
    story = _with_media(Story.objects.filter(pk=story_id)).select_related("community").first()
    if story is None or not (
        story.status == StoryStatus.PUBLISHED
        or story.author_id == _pk(user)
        or policies.is_staff_of(user, story.region_path)
    ):
        raise NotFound(_("No such story."), code="story_not_found")
    return story


def access_media(*, user: Viewer, media_id: int) -> StoryMedia:
    media = StoryMedia.objects.filter(pk=media_id).first()
    if media is None:
        raise NotFound(_("No such file."), code="media_not_found")
    access_story(user=user, story_id=media.story_id)
    return media
