"""Pages of the community app (thin: parse → service or selector → template). The
community page is public and phone first; the desk is for staff of the community."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, cast

import segno
from django.apps import apps
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_covers
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.appeals.presenters import public_board_rows
from jiaoliuba.appeals.selectors import public_handled_appeals
from jiaoliuba.appeals.uploads import attachment_response
from jiaoliuba.bookings.selectors import access_session
from jiaoliuba.community import policies, selectors, services
from jiaoliuba.community.choices import NoticeKind, NoticeScope, StoryStatus
from jiaoliuba.community.transitions import NOTICES, STORIES, WISHES
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.core.typed import whole_number
from jiaoliuba.points.selectors import published_honours
from jiaoliuba.regions.models import Region


def _attempt(request: HttpRequest, work: Callable[[], Any], done: Any) -> bool:
    """Run a service; its ApplicationError becomes the message on the next page."""
    try:
        work()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, done)
    return True


def join_url(request: HttpRequest, community: Region) -> str:
    return request.build_absolute_uri(reverse("community:join", args=[community.pk]))


# --- the community page ------------------------------------------------------------------


def page(request: HttpRequest, region_id: int) -> HttpResponse:
    """社区主页: venue and duty (slot), notices, honours, stories, the wish wall, the
    金点子 board and the public appeal board. Public; a resident of the community also
    gets the forms."""
    community = selectors.access_community(region_id=region_id)
    user = request.user
    here = policies.lives_in(user, community.path)
    wishes = [
        {"wish": w, "actions": WISHES.offered(user, w)}
        for w in selectors.wish_wall(community=community)
    ]
    context = {
        "community": community,
        "street": community.parent,
        "resident_here": here,
        "staff_here": policies.is_staff_of(user, community.path),
        "grids": selectors.grids_with_workers(community=community),
        "notices": selectors.notices_on_page(user=user, community=community),
        "honours": list(published_honours(region=community)[:12]),
        "rows": public_board_rows(public_handled_appeals(region=community, limit=5)),
        "wishes": wishes,
        "wish_counts": selectors.wish_counts(community=community),
        "ideas": selectors.idea_board(community=community),
        "my_ideas": selectors.my_ideas(user=user, community=community) if here else [],
        "stories": selectors.stories_published(community=community, limit=6),
        "join_url": join_url(request, community),
        # The venues app (hours, who is on duty) fills this slot once it is installed.
        "venues_installed": apps.is_installed("jiaoliuba.venues"),
    }
    return render(request, "community/page.html", context)


def qr(request: HttpRequest, region_id: int) -> HttpResponse:
    """The group's QR code: the join link, as SVG (for posters and the page)."""
    community = selectors.access_community(region_id=region_id)
    out = io.BytesIO()
    segno.make(join_url(request, community), error="m").save(
        out, kind="svg", scale=6, border=2, xmldecl=False
    )
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@signed_in
def join(request: SignedInRequest, region_id: int) -> HttpResponse:
    """Where the QR code leads: residents of the community are in its channels already
    (by their registered home); others are told how to get there."""
    community = selectors.access_community(region_id=region_id)
    if policies.lives_in(request.user, community.path):
        messages.success(
            request,
            _("You are in this community's notice group: its notices reach your inbox."),
        )
    else:
        messages.info(
            request,
            _(
                "Notices reach the residents registered in this community. "
                "Set your home community on your page to join."
            ),
        )
    return redirect(reverse("community:page", args=[community.pk]) + "#notices")


# --- notices -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    item = selectors.access_notice(user=request.user, notice_id=notice_id)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            raise NotFound(_("Not found."))
        _notice_post(request, item)
        return redirect(reverse("community:notice", args=[item.pk]))
    services.notice_read(user=user, notice=item)
    receipt = selectors.my_receipt(user=user, notice=item)
    counts = selectors.receipt_counts(user=user, notice=item)
    return render(
        request,
        "community/notice.html",
        {
            "notice": item,
            "community": item.channel.region
            if item.channel.region.level == "community"
            else item.channel.region.parent,
            "receipt": receipt,
            "counts": counts,
            "readers": list(selectors.readers(user=user, notice=item)[:500]) if counts else [],
            "replies": selectors.replies_of(notice=item),
            "may_reply": item.status == "published"
            and (receipt is not None or policies.may_edit_notice(user, item)),
            "staff": policies.may_edit_notice(user, item),
            "actions": NOTICES.offered(user, item),
        },
    )


def _notice_post(request: HttpRequest, item: Any) -> None:
    user = cast("User", request.user)  # the caller checked is_authenticated
    action = request.POST.get("action", "")
    if action == "reply":
        parent_id = whole_number(request.POST.get("parent"))

        def work() -> Any:
            parent = selectors.access_reply(user=user, reply_id=parent_id) if parent_id else None
            return services.reply_post(
                actor=user, notice=item, body=request.POST.get("body", ""), parent=parent
            )

        _attempt(request, work, _("Your reply is posted."))
    elif action in ("flag", "hide"):
        reply = selectors.access_reply(
            user=user, reply_id=whole_number(request.POST.get("reply")) or 0
        )
        if action == "flag":
            _attempt(
                request,
                lambda: services.reply_flag(actor=user, reply=reply),
                _("Thank you: the moderators will look at it."),
            )
        else:
            _attempt(
                request,
                lambda: services.reply_hide(
                    actor=user, reply=reply, reason=request.POST.get("reason", "")
                ),
                _("The reply is hidden."),
            )
    elif action == "publish":
        _attempt(
            request,
            lambda: services.notice_publish(actor=user, notice=item),
            _("Published: the notice is on its way."),
        )
    elif action == "withdraw":
        _attempt(
            request,
            lambda: services.notice_withdraw(
                actor=user, notice=item, reason=request.POST.get("reason", "")
            ),
            _("Withdrawn."),
        )
    else:
        messages.error(request, _("Unknown action."))


# --- the staff desk ------------------------------------------------------------------------


def _channel_regions(user: Any, community: Region) -> list[Region]:
    """The community and its grids whose channels the user runs."""
    found = [community] if user_covers(user, community.path) else []
    return found + [
        g["grid"]
        for g in selectors.grids_with_workers(community=community)
        if user_covers(user, g["grid"].path)
    ]


@staff_required
@require_http_methods(["GET", "POST"])
def desk(request: SignedInRequest, region_id: int) -> HttpResponse:
    """社区子群 desk: write and publish notices, read receipts, channel webhooks, and the
    review queues (ideas, stories, reported replies)."""
    community = selectors.access_community(region_id=region_id)
    user = request.user
    regions = _channel_regions(user, community)
    if not regions:
        raise NotFound(_("Not found."))
    if request.method == "POST":
        _desk_post(request, community, regions)
        return redirect(reverse("community:desk", args=[community.pk]))
    channels = [{"region": r, "channel": selectors.channel_of(region=r)} for r in regions]
    notices = [
        {"notice": n, "actions": NOTICES.offered(user, n)}
        for n in selectors.notices_managed(user=user, community=community)[:50]
    ]
    return render(
        request,
        "community/desk.html",
        {
            "community": community,
            "channels": channels,
            "grids": [r for r in regions if r.level == "grid"],
            "kinds": NoticeKind.choices,
            "scopes": NoticeScope.choices,
            "notices": notices,
            "ideas": selectors.ideas_pending(user=user, community=community),
            "stories": selectors.stories_pending(user=user, community=community),
            "flagged": selectors.flagged_replies(user=user, community=community),
        },
    )


def _region_in(regions: list[Region], value: Any) -> Region | None:
    pk = whole_number(value)
    return next((r for r in regions if r.pk == pk), None) if pk else None


def _desk_post(request: SignedInRequest, community: Region, regions: list[Region]) -> None:
    user = request.user
    post = request.POST
    action = post.get("action", "")
    if action in ("draft", "send"):

        def work() -> Any:
            region = _region_in(regions, post.get("channel"))
            if region is None:
                raise ValidationFailed(_("Please choose the channel."), code="channel")
            channel = services.channel_ensure(region=region)
            created = services.notice_create(
                actor=user,
                channel=channel,
                kind=post.get("kind", ""),
                title_text=post.get("title", ""),
                body=post.get("body", ""),
                scope=post.get("scope", NoticeScope.COMMUNITY),
                grid=_region_in(regions, post.get("grid")),
                building=post.get("building", ""),
            )
            if action == "send":
                services.notice_publish(actor=user, notice=created)
            return created

        _attempt(
            request,
            work,
            _("Published: the notice is on its way.") if action == "send" else _("Draft saved."),
        )
    elif action == "webhook":

        def hook() -> Any:
            region = _region_in(regions, post.get("channel"))
            if region is None:
                raise ValidationFailed(_("Please choose the channel."), code="channel")
            return services.channel_webhook_set(
                actor=user,
                channel=services.channel_ensure(region=region),
                url=post.get("url", ""),
                active=post.get("active") == "1",
            )

        _attempt(request, hook, _("Saved."))
    elif action in ("adopt", "decline"):
        idea = selectors.access_idea(user=user, idea_id=whole_number(post.get("idea")) or 0)
        if action == "adopt":
            _attempt(
                request,
                lambda: services.idea_adopt(actor=user, idea=idea, effect=post.get("text", "")),
                _("Adopted; the resident is told and earns the points."),
            )
        else:
            _attempt(
                request,
                lambda: services.idea_decline(actor=user, idea=idea, reason=post.get("text", "")),
                _("Saved."),
            )
    elif action in ("publish_story", "reject_story"):
        story = selectors.access_story(user=user, story_id=whole_number(post.get("story")) or 0)
        if action == "publish_story":

            def publish() -> Any:
                session_id = whole_number(post.get("session"))
                session = access_session(user=user, session_id=session_id) if session_id else None
                return services.story_publish(actor=user, story=story, session=session)

            _attempt(request, publish, _("The story is published."))
        else:
            _attempt(
                request,
                lambda: services.story_reject(actor=user, story=story, reason=post.get("text", "")),
                _("Saved."),
            )
    else:
        messages.error(request, _("Unknown action."))


# --- wishes, ideas, stories ----------------------------------------------------------------


def _back(community_id: int, anchor: str) -> HttpResponse:
    return redirect(reverse("community:page", args=[community_id]) + anchor)


@signed_in
@require_POST
def wish_new(request: SignedInRequest, region_id: int) -> HttpResponse:
    community = selectors.access_community(region_id=region_id)
    _attempt(
        request,
        lambda: services.wish_post(
            actor=request.user,
            community=community,
            title_text=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        ),
        _("Your wish is on the wall."),
    )
    return _back(community.pk, "#wishes")


@signed_in
@require_POST
def wish_action(request: SignedInRequest, wish_id: int, action: str) -> HttpResponse:
    wish = selectors.access_wish(user=request.user, wish_id=wish_id)
    user = request.user
    work: dict[str, tuple[Callable[[], Any], Any]] = {
        "claim": (lambda: services.wish_claim(actor=user, wish=wish), _("You took it on.")),
        "fulfil": (
            lambda: services.wish_fulfil(actor=user, wish=wish, note=request.POST.get("note", "")),
            _("Marked fulfilled. Thank you!"),
        ),
        "withdraw": (lambda: services.wish_withdraw(actor=user, wish=wish), _("Withdrawn.")),
    }
    if action not in work:
        raise NotFound(_("Not found."))
    _attempt(request, *work[action])
    return _back(wish.community_id, f"#wish-{wish.pk}")


@signed_in
@require_POST
def idea_new(request: SignedInRequest, region_id: int) -> HttpResponse:
    community = selectors.access_community(region_id=region_id)
    _attempt(
        request,
        lambda: services.idea_submit(
            actor=request.user,
            community=community,
            title_text=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            consent_public=request.POST.get("consent") == "1",
        ),
        _("Thank you: community staff will look at your idea."),
    )
    return _back(community.pk, "#ideas")


@signed_in
@require_POST
def idea_consent(request: SignedInRequest, idea_id: int) -> HttpResponse:
    idea = selectors.access_idea(user=request.user, idea_id=idea_id)
    _attempt(
        request,
        lambda: services.idea_consent(
            actor=request.user, idea=idea, consent=request.POST.get("consent") == "1"
        ),
        _("Saved."),
    )
    return _back(idea.community_id, "#ideas")


@signed_in
@require_http_methods(["GET", "POST"])
def story_new(request: SignedInRequest, region_id: int) -> HttpResponse:
    community = selectors.access_community(region_id=region_id)
    # The form is for the community's own residents and staff; others have nothing to post.
    if not (
        policies.lives_in(request.user, community.path)
        or policies.is_staff_of(request.user, community.path)
    ):
        raise NotFound(_("Not found."))
    if request.method == "POST":
        files = [(f.name or "", f) for f in request.FILES.getlist("files")]
        ok = _attempt(
            request,
            lambda: services.story_submit(
                actor=request.user,
                community=community,
                title_text=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                files=files,
            ),
            _("Thank you: your story will appear once community staff have reviewed it."),
        )
        if ok:
            return _back(community.pk, "#stories")
    return render(
        request,
        "community/story_new.html",
        {
            "community": community,
            "mine": selectors.my_stories(user=request.user, community=community),
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
        },
    )


def story(request: HttpRequest, story_id: int) -> HttpResponse:
    """A story as a page to share (phone first); unpublished ones only to the author and
    staff."""
    item = selectors.access_story(user=request.user, story_id=story_id)
    return render(
        request,
        "community/story.html",
        {
            "story": item,
            "community": item.community,
            "published": item.status == StoryStatus.PUBLISHED,
            "actions": STORIES.offered(request.user, item),
            "share_url": request.build_absolute_uri(),
        },
    )


def media(request: HttpRequest, media_id: int) -> HttpResponseBase:
    """A story's photo or video, after the same scope check as its story."""
    return attachment_response(selectors.access_media(user=request.user, media_id=media_id))
