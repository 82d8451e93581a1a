"""An appeal or a meeting asks the expert pool for a professional: staff pick one who
serves the area, the professional accepts or declines, staff may withdraw the request.
Each change is one compare-and-set checked against REQUEST_TRANSITIONS, with an
append-only ExpertRequestEvent; notifications leave with the transaction."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.bookings import policies, subjects, transitions
from jiaoliuba.bookings.choices import ExpertRequestEventKind
from jiaoliuba.bookings.models import Expert, ExpertRequest, ExpertRequestEvent
from jiaoliuba.bookings.services._common import _text
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.notifications.services import notify

NOTE_MAX = 1000
ANSWER_MAX = 500


def _event(
    request: ExpertRequest, kind: str, *, actor: Any, old: str = "", data: dict | None = None
) -> None:
    ExpertRequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=old,
        to_status=request.status,
        data=data or {},
        created_at=clock.now(),
    )


def _tell(users: list[Any], kind: str, title: Any, body: Any, request: ExpertRequest, link: str):
    people = [u for u in users if u is not None and getattr(u, "pk", None)]
    if not people:
        return
    params = {"subject": request.subject_title, "expert": request.expert.name}
    notify(
        recipients=people,
        kind=f"expert_request.{kind}",
        title=_text(title, **params),
        body=_text(body, **params),
        link=link,
        channels=("sms",) if kind == "requested" else (),
        payload={"request": request.pk, "subject": request.subject, "status": request.status},
    )


def request_link(request: ExpertRequest) -> str:
    return f"/services/expert-requests/{request.pk}/"


def expert_request_create(
    *, actor: Any, subject: str, expert: Expert, note: str, specialty: str = ""
) -> ExpertRequest:
    """Staff of the subject's scope ask one professional of the pool who serves it."""
    found = subjects.resolve(user=actor, ref=subject)  # 404 outside the scope
    if not policies.manages(actor, found.path):
        raise PermissionDenied(
            _("Only staff of this area can ask the expert pool."), code="scope_not_yours"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(
            _("Please say what the professional is needed for."), code="note_required"
        )
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": NOTE_MAX}),
            code="text_too_long",
        )
    if not expert.active or not found.path.startswith(expert.region_path):
        raise ValidationFailed(
            _("This professional does not serve this area."), code="expert_not_serving"
        )
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = ExpertRequest.objects.create(
                    subject=found.ref,
                    subject_title=found.title,
                    subject_url=found.url,
                    region_path=found.path,
                    expert=expert,
                    specialty=(specialty or "").strip()[:64],
                    note=note,
                    requested_by=actor,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                _("This professional has already been asked for this."), code="already_asked"
            ) from None
        _event(request, ExpertRequestEventKind.REQUESTED, actor=actor)
        _tell(
            [expert.user],
            "requested",
            _("You are asked to help: %(subject)s"),
            _("Community staff ask for your help. Please accept or decline on the site."),
            request,
            request_link(request),
        )
    return request


def _move(request: ExpertRequest, action: str, actor: Any, **fields: Any) -> str:
    transitions.REQUEST_TRANSITIONS.require(request, action)
    if not transitions.REQUEST_TRANSITIONS.permits(action, actor, request):
        raise PermissionDenied(_("You may not do that to this request."), code="not_allowed")
    old, new = request.status, transitions.REQUEST_TRANSITIONS[action].target
    assert new is not None
    now = clock.now()
    updated = ExpertRequest.objects.filter(pk=request.pk, status=old).update(
        status=new, updated_at=now, **fields
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this request a moment ago. Please reload."),
            code="stale_request",
        )
    request.status = new
    for name, value in fields.items():
        setattr(request, name, value)
    return old


def expert_request_answer(
    *, actor: Any, request: ExpertRequest, accept: bool, answer: str = ""
) -> ExpertRequest:
    """The professional accepts or declines (staff record it for one without an
    account); the staff who asked are told."""
    answer = (answer or "").strip()
    if len(answer) > ANSWER_MAX:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": ANSWER_MAX}),
            code="text_too_long",
        )
    action = "accept" if accept else "decline"
    with transaction.atomic():
        request = ExpertRequest.objects.select_related("expert", "requested_by").get(pk=request.pk)
        old = _move(request, action, actor, answer=answer, answered_at=clock.now())
        _event(
            request,
            ExpertRequestEventKind.ACCEPTED if accept else ExpertRequestEventKind.DECLINED,
            actor=actor,
            old=old,
            data={"answer": answer} if answer else {},
        )
        _tell(
            [request.requested_by],
            action + "ed",
            _("%(expert)s accepted: %(subject)s")
            if accept
            else _("%(expert)s declined: %(subject)s"),
            _("See the request for the professional's answer."),
            request,
            request.subject_url,
        )
    return request


def expert_request_withdraw(*, actor: Any, request: ExpertRequest) -> ExpertRequest:
    with transaction.atomic():
        request = ExpertRequest.objects.select_related("expert").get(pk=request.pk)
        old = _move(request, "withdraw", actor)
        _event(request, ExpertRequestEventKind.WITHDRAWN, actor=actor, old=old)
        _tell(
            [request.expert.user],
            "withdrawn",
            _("No longer needed: %(subject)s"),
            _("Community staff withdrew their request. Thank you."),
            request,
            request_link(request),
        )
    return request
