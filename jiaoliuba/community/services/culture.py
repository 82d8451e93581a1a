"""Culture: the wish wall (心愿墙), the 金点子 board and community stories (社区故事)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.choices import AttachmentKind
from jiaoliuba.appeals.uploads import clean_upload
from jiaoliuba.bookings.models import Session
from jiaoliuba.community import policies
from jiaoliuba.community.choices import (
    STORY_FILES_MAX,
    IdeaStatus,
    MediaKind,
    StoryStatus,
    Subject,
    WishStatus,
)
from jiaoliuba.community.models import Idea, Story, StoryMedia, Wish
from jiaoliuba.community.services._common import (
    event,
    limit,
    locked,
    move,
    optional,
    require_community,
    tell,
    text,
    title,
)
from jiaoliuba.community.transitions import IDEAS, STORIES, WISHES
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award
from jiaoliuba.regions.models import Region


def _resident_of(actor: User, community: Region) -> None:
    require_community(community)
    if not policies.lives_in(actor, community.path):
        raise PermissionDenied(
            _("Only residents registered in this community can post here."),
            code="not_a_resident_here",
        )


# --- 心愿墙 -----------------------------------------------------------------------------


def wish_post(*, actor: User, community: Region, title_text: str, body: str = "") -> Wish:
    _resident_of(actor, community)
    limit("wish", actor)
    clean_title = title(title_text)
    clean_body = optional(body)
    with transaction.atomic():
        wish = Wish.objects.create(
            community=community,
            region_path=community.path,
            author=actor,
            title=clean_title,
            body=clean_body,
            created_at=clock.now(),
        )
        event(Subject.WISH, wish, "posted", actor=actor, to_status=WishStatus.POSTED)
    return wish


def _wish_move(actor: User, wish: Wish, action: str, refused: Any, **fields: Any) -> Wish:
    fresh = locked(Wish, wish.pk)
    WISHES.check(fresh, action, actor, refused)
    old = fresh.status
    target = WISHES[action].target
    move(fresh, old, status=target, **fields)
    event(
        Subject.WISH,
        fresh,
        action,
        actor=actor,
        from_status=old,
        to_status=str(target),
        data={k: v for k, v in fields.items() if isinstance(v, str)},
    )
    return fresh


def wish_claim(*, actor: User, wish: Wish) -> Wish:
    """A volunteer takes the wish on; its author is told who."""
    with transaction.atomic():
        fresh = _wish_move(
            actor,
            wish,
            "claim",
            _("Only volunteers serving this community can claim wishes."),
            claimed_by=actor,
            claimed_at=clock.now(),
        )
        tell(
            [fresh.author],
            "community.wish_claimed",
            _("A volunteer took on your wish “%(title)s”"),
            _("%(name)s will help with it."),
            f"/community/{fresh.community_id}/#wish-{fresh.pk}",
            title=fresh.title,
            name=actor.display_name or str(actor),
        )
    return fresh


def wish_fulfil(*, actor: User, wish: Wish, note: str) -> Wish:
    clean = text(note, _("Please say how the wish was fulfilled."), code="note", max_length=300)
    with transaction.atomic():
        fresh = _wish_move(
            actor,
            wish,
            "fulfil",
            _("Only the volunteer who claimed it can mark it fulfilled."),
            fulfilled_at=clock.now(),
            fulfilment=clean,
        )
        tell(
            [fresh.author],
            "community.wish_fulfilled",
            _("Your wish “%(title)s” was fulfilled"),
            clean,
            f"/community/{fresh.community_id}/#wish-{fresh.pk}",
            title=fresh.title,
        )
    return fresh


def wish_withdraw(*, actor: User, wish: Wish) -> Wish:
    with transaction.atomic():
        return _wish_move(
            actor, wish, "withdraw", _("Only the wish's author or staff can withdraw it.")
        )


# --- 金点子榜 ---------------------------------------------------------------------------


def idea_submit(
    *, actor: User, community: Region, title_text: str, body: str, consent_public: bool
) -> Idea:
    _resident_of(actor, community)
    limit("idea", actor)
    clean_title = title(title_text)
    clean_body = text(body, _("Please describe your idea."), code="idea_body")
    with transaction.atomic():
        idea = Idea.objects.create(
            community=community,
            region_path=community.path,
            author=actor,
            title=clean_title,
            body=clean_body,
            consent_public=bool(consent_public),
            created_at=clock.now(),
        )
        event(Subject.IDEA, idea, "submitted", actor=actor, to_status=IdeaStatus.SUBMITTED)
    return idea


def idea_adopt(*, actor: User, idea: Idea, effect: str) -> Idea:
    """Staff adopt the idea with its effect; its author earns the adopted-suggestion
    points (once per idea, confirmed by the adopting staff member)."""
    clean = text(effect, _("Please describe the idea's effect."), code="effect", max_length=300)
    with transaction.atomic():
        fresh = locked(Idea, idea.pk)
        IDEAS.check(fresh, "adopt", actor, _("Only staff of this community can adopt ideas."))
        award = (
            points_award(
                user=fresh.author,
                act=Act.SUGGESTION_ADOPTED,
                source=f"community.idea:{fresh.pk}",
                confirmed_by=actor,
            )
            if fresh.author is not None
            else None
        )
        points = award.points if award is not None else 0
        move(
            fresh,
            IdeaStatus.SUBMITTED,
            status=IdeaStatus.ADOPTED,
            effect=clean,
            decided_by=actor,
            decided_at=clock.now(),
            points=points,
        )
        event(
            Subject.IDEA,
            fresh,
            "adopted",
            actor=actor,
            from_status=IdeaStatus.SUBMITTED,
            to_status=IdeaStatus.ADOPTED,
            data={"effect": clean, "points": points},
        )
        tell(
            [fresh.author],
            "community.idea_adopted",
            _("Your idea “%(title)s” was adopted"),
            clean,
            f"/community/{fresh.community_id}/#ideas",
            title=fresh.title,
        )
    return fresh


def idea_decline(*, actor: User, idea: Idea, reason: str) -> Idea:
    clean = text(reason, _("Please give a reason."), code="reason", max_length=300)
    with transaction.atomic():
        fresh = locked(Idea, idea.pk)
        IDEAS.check(fresh, "decline", actor, _("Only staff of this community can decide."))
        move(
            fresh,
            IdeaStatus.SUBMITTED,
            status=IdeaStatus.DECLINED,
            effect=clean,
            decided_by=actor,
            decided_at=clock.now(),
        )
        event(
            Subject.IDEA,
            fresh,
            "declined",
            actor=actor,
            from_status=IdeaStatus.SUBMITTED,
            to_status=IdeaStatus.DECLINED,
            data={"reason": clean},
        )
        tell(
            [fresh.author],
            "community.idea_declined",
            _("About your idea “%(title)s”"),
            clean,
            f"/community/{fresh.community_id}/#ideas",
            title=fresh.title,
        )
    return fresh


def idea_consent(*, actor: User, idea: Idea, consent: bool) -> Idea:
    """The author decides whether the board may show the idea (and their name)."""
    if idea.author_id != actor.pk:
        raise PermissionDenied(_("Only the idea's author can decide this."))
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(consent_public=bool(consent))
        idea.consent_public = bool(consent)
        event(Subject.IDEA, idea, "consent", actor=actor, data={"consent": bool(consent)})
    return idea


# --- 社区故事 ---------------------------------------------------------------------------


def story_submit(
    *,
    actor: User,
    community: Region,
    title_text: str,
    body: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
) -> Story:
    """A story with photos or a short video, checked like an appeal's uploads (content,
    size, metadata stripped); it waits for review before anyone else sees it."""
    require_community(community)
    if not (
        policies.lives_in(actor, community.path) or policies.is_staff_of(actor, community.path)
    ):
        raise PermissionDenied(
            _("Only residents registered in this community can post here."),
            code="not_a_resident_here",
        )
    limit("story", actor)
    clean_title = title(title_text)
    clean_body = text(body, _("Please write the story."), code="story_body", max_length=5000)
    if len(files) > STORY_FILES_MAX:
        raise ValidationFailed(
            lazy_format(_("At most %(n)s photos or videos per story."), {"n": STORY_FILES_MAX}),
            code="too_many_files",
        )
    cleaned = []
    for name, handle in files:
        clean = clean_upload(name=name, file=handle)
        if clean.kind not in (AttachmentKind.IMAGE, AttachmentKind.VIDEO):
            raise ValidationFailed(
                lazy_format(
                    _("“%(name)s”: a story takes photos and videos only."), {"name": name[:60]}
                ),
                code="invalid_file_type",
            )
        cleaned.append(clean)
    with transaction.atomic():
        story = Story.objects.create(
            community=community,
            region_path=community.path,
            author=actor,
            title=clean_title,
            body=clean_body,
            created_at=clock.now(),
        )
        for clean in cleaned:
            StoryMedia.objects.create(
                story=story,
                kind=MediaKind.IMAGE if clean.kind == AttachmentKind.IMAGE else MediaKind.VIDEO,
                file=clean.content,
                content_type=clean.content_type,
                size=clean.size,
            )
        event(
            Subject.STORY,
            story,
            "submitted",
            actor=actor,
            to_status=StoryStatus.SUBMITTED,
            data={"files": len(cleaned)},
        )
    return story


def story_publish(*, actor: User, story: Story, session: Session | None = None) -> Story:
    """Publish after review; optionally link the 社区故事会 session it was told at."""
    if session is not None and not (
        session.region_path.startswith(story.region_path)
        or story.region_path.startswith(session.region_path)
    ):
        raise ValidationFailed(
            _("That session is not held for this community."), code="session_elsewhere"
        )
    with transaction.atomic():
        fresh = locked(Story, story.pk)
        STORIES.check(fresh, "publish", actor, _("Only staff of this community can publish it."))
        move(
            fresh,
            StoryStatus.SUBMITTED,
            status=StoryStatus.PUBLISHED,
            reviewed_by=actor,
            published_at=clock.now(),
            session=session,
        )
        event(
            Subject.STORY,
            fresh,
            "published",
            actor=actor,
            from_status=StoryStatus.SUBMITTED,
            to_status=StoryStatus.PUBLISHED,
            data={"session": session.pk if session is not None else None},
        )
        tell(
            [fresh.author],
            "community.story_published",
            _("Your story “%(title)s” was published"),
            "",
            f"/community/stories/{fresh.pk}/",
            title=fresh.title,
        )
    return fresh


def story_reject(*, actor: User, story: Story, reason: str) -> Story:
    clean = text(reason, _("Please give a reason."), code="reason", max_length=300)
    with transaction.atomic():
        fresh = locked(Story, story.pk)
        STORIES.check(fresh, "reject", actor, _("Only staff of this community can review it."))
        old = fresh.status
        move(fresh, old, status=StoryStatus.REJECTED, reviewed_by=actor, review_note=clean)
        event(
            Subject.STORY,
            fresh,
            "rejected",
            actor=actor,
            from_status=old,
            to_status=StoryStatus.REJECTED,
            data={"reason": clean},
        )
        tell(
            [fresh.author],
            "community.story_rejected",
            _("About your story “%(title)s”"),
            clean,
            f"/community/{fresh.community_id}/",
            title=fresh.title,
        )
    return fresh
