"""Pages of deliberation (议事): residents on the phone (list, topic, propose), staff at
the desk (agenda, create or assign, moderation queue). Thin: parse, call a service or a
selector, render; a refused action re-renders the page with what was typed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.decorators import signed_in
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.accounts.views import staff_required
from jiaoliuba.appeals.selectors import access_appeal
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.dateparse import parse_date
from jiaoliuba.core.errors import ApplicationError, NotFound, ValidationFailed
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation import presenters, selectors, services
from jiaoliuba.deliberation.choices import TopicSource, TopicStage
from jiaoliuba.deliberation.consensus import selectors as consensus_selectors
from jiaoliuba.deliberation.models import Topic
from jiaoliuba.regions.selectors import region_get

VOTE_BLOCK = "deliberation/votes/_topic_block.html"


def _staff(request: HttpRequest) -> bool:
    return account_selectors.user_is_staff_member(request.user)


@signed_in
def topic_list(request: SignedInRequest) -> HttpResponse:
    stage = request.GET.get("stage", "open")
    mine = request.GET.get("mine") == "1"
    rows = selectors.topic_list(user=request.user, stage=stage, mine=mine)[:100]
    return render(
        request,
        "deliberation/list.html",
        {
            "topics": [presenters.topic_dict(t) for t in rows],
            "stage": stage,
            "mine": mine,
            "stages": [("open", _("Open topics")), (TopicStage.DECIDED, TopicStage.DECIDED.label)],
            "may_propose": bool(selectors.scope_choices(request.user, staff=False)),
            "staff": _staff(request),
        },
    )


def _due(raw: str) -> dt.datetime | None:
    day = parse_date((raw or "").strip()) if raw else None
    if raw and day is None:
        raise ValidationFailed(gettext_lazy("The due date is not a date."), code="due_invalid")
    # Due at the end of that day in China.
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI) if day else None


@signed_in
@require_http_methods(["GET", "POST"])
def topic_new(request: SignedInRequest) -> HttpResponse:
    staff = _staff(request)
    appeal = None
    appeal_id = request.GET.get("appeal") or request.POST.get("appeal_id", "")
    if staff and appeal_id:
        appeal = access_appeal(user=request.user, appeal_id=whole_number(appeal_id) or 0)
    scopes = selectors.scope_choices(request.user, staff=staff)
    if not scopes:
        raise NotFound(gettext_lazy("Not found."))
    values: dict = {
        "scope": appeal.community.code if appeal is not None else scopes[-1].code,
        "source": TopicSource.COMMUNITY if staff else TopicSource.RESIDENT,
    }
    if appeal is not None:
        values["body"] = appeal.content
    error = None
    if request.method == "POST":
        values = request.POST.dict()
        try:
            scope = region_get(code=values.get("scope", ""))
            if staff:
                if appeal is not None:
                    topic = services.topic_open_from_appeal(
                        appeal=appeal,
                        actor=request.user,
                        title=values.get("title", ""),
                        body=values.get("body", ""),
                        scope=scope,
                        building=values.get("building", ""),
                    )
                else:
                    topic = services.topic_create(
                        actor=request.user,
                        title=values.get("title", ""),
                        body=values.get("body", ""),
                        scope=scope,
                        source=values.get("source", ""),
                        due_at=_due(values.get("due", "")),
                        building=values.get("building", ""),
                    )
            else:
                topic = services.topic_propose(
                    actor=request.user,
                    title=values.get("title", ""),
                    body=values.get("body", ""),
                    scope=scope,
                    for_building=values.get("for_building") == "1",
                )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your topic has been published."))
            return redirect("deliberation:detail", topic_id=topic.pk)
    return render(
        request,
        "deliberation/new.html",
        {
            "values": values,
            "scopes": scopes,
            "staff": staff,
            "appeal": appeal,
            "error": error,
            "sources": [
                (TopicSource.COMMUNITY, TopicSource.COMMUNITY.label),
                (TopicSource.ASSIGNED, TopicSource.ASSIGNED.label),
            ],
        },
        status=400 if error else 200,
    )


def _vote_block_exists() -> bool:
    try:
        get_template(VOTE_BLOCK)
    except TemplateDoesNotExist:
        return False
    return True


def _detail_context(request: HttpRequest, topic: Topic, *, typed: dict | None = None) -> dict:
    moderator = presenters.moderator_of(request.user, topic)
    data = presenters.topic_dict(topic, user=request.user)
    return {
        "topic": topic,
        "data": data,
        "can": {name: True for name in data["actions"]},
        "moderator": moderator,
        "staff": _staff(request),
        "comments": [
            presenters.comment_dict(c, user=request.user, moderator=moderator)
            for c in selectors.topic_comments(topic=topic)
        ],
        "events": [presenters.event_dict(e) for e in selectors.topic_events(topic=topic)],
        "supported": selectors.user_supports(user=request.user, topic=topic),
        "following": selectors.user_follows(user=request.user, topic=topic),
        "progress": min(100, 100 * topic.support_count // max(1, topic.support_threshold)),
        "typed": typed or {},
        "show_votes": _vote_block_exists(),
        "other_topics": selectors.topics_managed_by(request.user)
        .exclude(pk=topic.pk)
        .exclude(stage__in=(TopicStage.DECIDED, TopicStage.WITHDRAWN, TopicStage.MERGED))[:50]
        if moderator
        else [],
    }


@signed_in
def topic_detail(request: SignedInRequest, topic_id: int) -> HttpResponse:
    topic = selectors.access_topic(user=request.user, topic_id=topic_id)
    return render(request, "deliberation/detail.html", _detail_context(request, topic))


def _comment(request: HttpRequest, topic: Topic):
    parent_id = request.POST.get("parent_id", "")
    parent = (
        selectors.access_comment(user=request.user, comment_id=parent_id) if parent_id else None
    )
    return services.topic_comment(
        topic=topic,
        actor=request.user,
        body=request.POST.get("body", ""),
        parent=parent,
        show_name=request.POST.get("show_name") == "1",
        official=request.POST.get("official") == "1",
    )


def _merge(request: HttpRequest, topic: Topic):
    into = selectors.access_topic(user=request.user, topic_id=request.POST.get("into", ""))
    return services.topic_merge(
        topic=topic, actor=request.user, into=into, reason=request.POST.get("reason", "")
    )


ACTIONS = {
    "support": lambda r, t: services.topic_support(topic=t, actor=r.user),
    "follow": lambda r, t: services.topic_follow(topic=t, actor=r.user),
    "unfollow": lambda r, t: services.topic_unfollow(topic=t, actor=r.user),
    "comment": _comment,
    "open_support": lambda r, t: services.topic_open_support(topic=t, actor=r.user),
    "agenda": lambda r, t: services.topic_put_on_agenda(
        topic=t, actor=r.user, note=r.POST.get("note", "")
    ),
    "discuss": lambda r, t: services.topic_start_discussion(topic=t, actor=r.user),
    "start_voting": lambda r, t: services.topic_start_voting(topic=t, actor=r.user),
    "decide": lambda r, t: services.topic_decide(
        topic=t, actor=r.user, outcome=r.POST.get("outcome", "")
    ),
    "withdraw": lambda r, t: services.topic_withdraw(
        topic=t, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "merge": _merge,
}

DONE_MESSAGES = {
    "support": gettext_lazy("Thank you for your support."),
    "follow": gettext_lazy("You will hear of official answers and stage changes."),
    "unfollow": gettext_lazy("You no longer follow this topic."),
    "comment": gettext_lazy("Your comment was posted."),
    "withdraw": gettext_lazy("The topic was withdrawn."),
}


def _refused(
    request: HttpRequest,
    topic: Topic,
    action: str,
    exc: ApplicationError,
    *,
    comment_id: int | None = None,
):
    """Render, not redirect: the error shows with what the person typed still in its
    field (for a comment's report or hiding: in that comment's form)."""
    messages.error(request, str(exc.message))
    fresh = selectors.access_topic(user=request.user, topic_id=topic.pk)
    context = _detail_context(request, fresh, typed={action: request.POST.dict()})
    if comment_id is not None:
        context["typed_comment"] = {"id": comment_id, "action": action, **request.POST.dict()}
    return render(request, "deliberation/detail.html", context, status=exc.status)


@signed_in
@require_POST
def topic_action(request: SignedInRequest, topic_id: int, action: str) -> HttpResponse:
    topic = selectors.access_topic(user=request.user, topic_id=topic_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(gettext_lazy("Not found."))
    try:
        handler(request, topic)
    except ApplicationError as exc:
        return _refused(request, topic, action, exc)
    messages.success(request, str(DONE_MESSAGES.get(action, _("Done."))))
    anchor = "#discussion" if action == "comment" else ""
    return redirect(f"/deliberation/{topic.pk}/{anchor}")


COMMENT_ACTIONS = {
    "flag": lambda r, c: services.comment_flag(
        comment=c, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "hide": lambda r, c: services.comment_hide(
        comment=c, actor=r.user, reason=r.POST.get("reason", "")
    ),
    "dismiss_flags": lambda r, c: services.comment_dismiss_flags(comment=c, actor=r.user),
}
COMMENT_DONE = {
    "flag": gettext_lazy("Thank you: the moderators will look at it."),
    "hide": gettext_lazy("The comment is hidden."),
    "dismiss_flags": gettext_lazy("The reports were dismissed."),
}


@signed_in
@require_POST
def comment_action(request: SignedInRequest, comment_id: int, action: str) -> HttpResponse:
    comment = selectors.access_comment(user=request.user, comment_id=comment_id)
    handler = COMMENT_ACTIONS.get(action)
    if handler is None:
        raise NotFound(gettext_lazy("Not found."))
    try:
        handler(request, comment)
    except ApplicationError as exc:
        return _refused(request, comment.topic, action, exc, comment_id=comment.pk)
    messages.success(request, str(COMMENT_DONE[action]))
    if request.POST.get("next") == "queue":
        return redirect("deliberation:moderation")
    return redirect(f"/deliberation/{comment.topic_id}/#c{comment.pk}")


@staff_required
def agenda(request: SignedInRequest) -> HttpResponse:
    rows = selectors.agenda(user=request.user)[:200]
    return render(
        request,
        "deliberation/agenda.html",
        {"topics": [presenters.topic_dict(t) for t in rows]},
    )


@staff_required
def moderation(request: SignedInRequest) -> HttpResponse:
    rows = selectors.flag_queue(user=request.user)[:200]
    statements = list(consensus_selectors.statement_flag_queue(user=request.user)[:200])
    reasons = consensus_selectors.open_flag_reasons(statements)
    return render(
        request,
        "deliberation/moderation.html",
        {
            "rows": [
                {"topic": c.topic, "comment": presenters.comment_dict(c, moderator=True)}
                for c in rows
            ],
            "statements": [
                {"statement": st, "reasons": reasons.get(st.pk, [])} for st in statements
            ],
        },
    )
