"""共识地图 pages: the resident's phone-first voting (one statement at a time, as Pol.is),
adding a statement, the map; the staff page to open, close, reopen and moderate. Thin:
parse → service/selector → render; a refused input re-renders with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts.decorators import signed_in, staff_required
from jiaoliuba.core.errors import ApplicationError, NotFound
from jiaoliuba.deliberation import selectors as topic_selectors
from jiaoliuba.deliberation.consensus import presenters, selectors, services, transitions
from jiaoliuba.deliberation.consensus.choices import Opinion
from jiaoliuba.deliberation.models import ConsensusQuestion, Statement

OPINIONS = (
    ("agree", Opinion.AGREE.label),
    ("disagree", Opinion.DISAGREE.label),
    ("pass", Opinion.PASS.label),
)


def _question_context(request: HttpRequest, question: ConsensusQuestion) -> dict:
    voted, total = selectors.progress(user=request.user, question=question)
    return {
        "question": question,
        "topic": question.topic,
        "can": transitions.offered(request.user, question),
        "next": selectors.next_statement(user=request.user, question=question),
        "voted": voted,
        "total": total,
        "opinions": OPINIONS,
    }


@signed_in
def question_page(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.access_question(user=request.user, question_id=question_id)
    return render(
        request, "deliberation/consensus/question.html", _question_context(request, question)
    )


@signed_in
@require_POST
def statement_vote(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = selectors.access_statement(user=request.user, statement_id=statement_id)
    question = statement.question
    try:
        services.statement_vote(
            statement=statement, actor=request.user, opinion=request.POST.get("opinion", "")
        )
    except ApplicationError as exc:
        context = _question_context(request, question) | {"error": exc.message}
        return render(request, "deliberation/consensus/question.html", context, status=exc.status)
    return redirect("consensus:question", question.pk)


@signed_in
@require_POST
def statement_add(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.access_question(user=request.user, question_id=question_id)
    body = request.POST.get("body", "")
    try:
        services.statement_add(question=question, actor=request.user, body=body)
    except ApplicationError as exc:
        context = _question_context(request, question) | {"add_error": exc.message, "typed": body}
        return render(request, "deliberation/consensus/question.html", context, status=exc.status)
    messages.success(request, _("Your statement was added. Others will vote on it."))
    return redirect("consensus:question", question.pk)


@signed_in
def map_page(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.access_question(user=request.user, question_id=question_id)
    view = selectors.map_view(user=request.user, question=question)
    return render(
        request,
        "deliberation/consensus/map.html",
        {"question": question, "view": view, "svg": presenters.svg_shapes(view)},
    )


# --- staff -------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    topic = topic_selectors.access_topic(
        user=request.user, topic_id=request.GET.get("topic") or request.POST.get("topic")
    )
    form = {"prompt": "", "description": "", "statements": ""}
    error = None
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            question = services.question_open(
                topic=topic,
                actor=request.user,
                prompt=form["prompt"],
                description=form["description"],
                statements=form["statements"].splitlines(),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The question is open."))
            return redirect("consensus:manage", question.pk)
    return render(
        request,
        "deliberation/consensus/new.html",
        {"topic": topic, "form": form, "error": error},
        status=400 if error else 200,
    )


def _managed(request: HttpRequest, question_id: int) -> ConsensusQuestion:
    question = selectors.access_question(user=request.user, question_id=question_id)
    if not transitions.permits("close", request.user, question):
        raise NotFound(gettext_lazy("No such question."), code="question_not_found")
    return question


@staff_required
def manage(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _managed(request, question_id)
    return render(
        request,
        "deliberation/consensus/manage.html",
        {
            "question": question,
            "can": transitions.offered(request.user, question),
            "statements": selectors.statements_to_moderate(user=request.user, question=question),
            "events": selectors.question_events(question=question).order_by("-created_at", "-pk")[
                :50
            ],
            "view": selectors.map_view(user=request.user, question=question),
        },
    )


@staff_required
@require_POST
def question_action(request: HttpRequest, question_id: int, action: str) -> HttpResponse:
    question = _managed(request, question_id)
    moves = {"close": services.question_close, "reopen": services.question_reopen}
    if action not in moves:
        raise NotFound(gettext_lazy("No such action."))
    try:
        moves[action](question=question, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("consensus:manage", question.pk)


def _back(request: HttpRequest, statement: Statement) -> HttpResponse:
    """To the moderation queue when the button was pressed there, else to the question."""
    if request.POST.get("next") == "queue":
        return redirect("deliberation:moderation")
    return redirect("consensus:manage", statement.question_id)


@staff_required
@require_POST
def statement_hide(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = selectors.access_statement(user=request.user, statement_id=statement_id)
    try:
        services.statement_hide(
            statement=statement, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The statement is hidden."))
    return _back(request, statement)


@staff_required
@require_POST
def statement_dismiss_flags(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = selectors.access_statement(user=request.user, statement_id=statement_id)
    try:
        services.statement_dismiss_flags(statement=statement, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Reports dismissed: the statement stays."))
    return _back(request, statement)


@signed_in
@require_POST
def statement_flag(request: HttpRequest, statement_id: int) -> HttpResponse:
    """A resident reports the statement shown for voting, with a reason."""
    statement = selectors.access_statement(user=request.user, statement_id=statement_id)
    question = statement.question
    reason = request.POST.get("reason", "")
    try:
        services.statement_flag(statement=statement, actor=request.user, reason=reason)
    except ApplicationError as exc:
        context = _question_context(request, question) | {
            "flag_error": exc.message,
            "flag_typed": reason,
        }
        return render(request, "deliberation/consensus/question.html", context, status=exc.status)
    messages.success(request, _("Thank you: the moderators will look at this statement."))
    return redirect("consensus:question", question.pk)
