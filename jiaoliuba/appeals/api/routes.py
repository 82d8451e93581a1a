from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Status, UploadedFile

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import resident_of, user_is_staff_member
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.appeals import actions, selectors, services, transitions
from jiaoliuba.appeals.api.schemas import (
    AlertOut,
    AppealForm,
    AppealOut,
    DecideIn,
    DeskAppealForm,
    DispatchIn,
    EventOut,
    ExtensionIn,
    ExtensionOut,
    FollowUpIn,
    MaterialForm,
    MergeIn,
    MessageIn,
    NoteIn,
    RateIn,
    ReasonIn,
    RepeatIn,
    ReplyIn,
    SimilarOut,
    SubmitterRevealOut,
    TriageIn,
    WithdrawIn,
)
from jiaoliuba.appeals.intake import desk_intake, intake_from_data, photos_from
from jiaoliuba.appeals.models import Appeal, Extension
from jiaoliuba.appeals.plain import risk_evidence_text
from jiaoliuba.appeals.presenters import appeal_dict, event_dict, similar_dict
from jiaoliuba.appeals.uploads import attachment_response
from jiaoliuba.core.answers import answer
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.errors import NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.core.form_body import form_fields
from jiaoliuba.core.idempotency import IDEMPOTENCY_KEY, request_key
from jiaoliuba.core.request import client_ip
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.selectors import region_get

router = Router(tags=["appeals"])


def _out(request: ApiRequest, appeal: Appeal) -> dict:
    fresh = selectors.access_appeal(user=request.auth, appeal_id=appeal.pk)
    return appeal_dict(fresh, staff_view=selectors.is_staff_view(request.auth, fresh))


def _out_new(request: ApiRequest, appeal: Appeal, created: bool) -> dict:
    """A new appeal is answered from the one in memory: its filer may see it and it has
    everything the answer shows. A replay is read again, as any other appeal."""
    if not created:
        return _out(request, appeal)
    return appeal_dict(appeal, staff_view=selectors.is_staff_view(request.auth, appeal))


def _get(request: ApiRequest, appeal_id: int) -> Appeal:
    return selectors.access_appeal(user=request.auth, appeal_id=appeal_id)


@router.post("/appeals", response={200: AppealOut, 201: AppealOut})
def appeal_create(
    request: ApiRequest,
    form: Form[AppealForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # Ninja: an optional part
    voice: File[UploadedFile] = None,  # type: ignore[assignment]  # Ninja: an optional part
    video: File[UploadedFile] = None,  # type: ignore[assignment]  # Ninja: an optional part
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    """File an appeal (multipart form): content, type_hint, community, grid, address,
    latitude, longitude, contact_phone, is_anonymous, consent_public; files `photos`
    (up to 9), `voice`, `video`. A text-only appeal may also be sent as a JSON object of
    the same fields (application/json); any other body type is a 415. Send an
    Idempotency-Key header to make retries safe: a replay answers 200 with the appeal the
    first request created (the same key with another text is a 409)."""
    resident = resident_of(request.auth)
    data, uploads = form_fields(request)
    intake, files = intake_from_data(
        data, uploads, default_community=resident.community if resident else None
    )
    if (
        intake.grid is None
        and resident
        and resident.grid
        and intake.community == resident.community
    ):
        intake.grid = resident.grid
    appeal, created = services.appeal_submit(
        submitter=request.auth,
        intake=intake,
        files=files,
        idempotency_key=request_key(request),
    )
    if created:
        # Built here from the schema's fields: Ninja's validation of the answer would
        # only check this dict again (core.answers; a test holds the bytes equal).
        return answer(request, AppealOut, _out_new(request, appeal, created), status=201)
    return Status(200, _out_new(request, appeal, created))


@router.post("/appeals/desk", response={200: AppealOut, 201: AppealOut})
def appeal_desk_create(
    request: ApiRequest,
    form: Form[DeskAppealForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # Ninja: an optional part
    voice: File[UploadedFile] = None,  # type: ignore[assignment]  # Ninja: an optional part
    video: File[UploadedFile] = None,  # type: ignore[assignment]  # Ninja: an optional part
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    """Staff enter an appeal received offline (window, phone, home visit, venue, grid
    patrol): the same fields plus `channel`, `received_at` (may be in the past) and the
    resident's `resident_phone` and `resident_name`."""
    if not user_is_staff_member(request.auth):
        raise NotFound(_("Not found."))
    data, uploads = form_fields(request)
    appeal, created = desk_intake(
        data=data,
        files=uploads,
        actor=request.auth,
        idempotency_key=request_key(request),
    )
    return Status(201 if created else 200, _out(request, appeal))


@router.get("/appeals", response=list[AppealOut])
def appeal_list(
    request: ApiRequest,
    mine: bool = False,
    status: str = "",
    priority: str = "",
    category: str = "",
    q: str = "",
    overdue: bool = False,
    limit: int = 50,
    offset: Offset = 0,
):
    """Staff: the queue of their scope (overdue first, then the nearest deadline).
    Residents, or `mine=true`: the appeals the caller filed."""
    limit = max(1, min(limit, 200))
    if mine or not user_is_staff_member(request.auth):
        rows = selectors.my_appeals(user=request.auth)[offset : offset + limit]
        return [appeal_dict(a, staff_view=False) for a in rows]
    rows = selectors.appeal_queue(
        user=request.auth,
        status=status,
        priority=priority,
        category=category,
        query=q,
        overdue=overdue,
    )
    return [appeal_dict(a, staff_view=True) for a in rows[offset : offset + limit]]


@router.get("/appeals/similar", response=list[SimilarOut])
def appeal_similar(request: ApiRequest, community: str, content: str):
    """Open appeals in the caller's community (staff: in their scope) that read like
    `content`, for "其他居民已反映": category, status and a de-identified summary, never
    the text itself; the caller's own and anonymous appeals are left out. Another
    community answers 404; more than SIMILAR_LOOKUPS_PER_MINUTE a minute answers 429."""
    services.similar_lookup_count(user=request.auth)
    region = Region.objects.filter(code=community).first()
    return [
        similar_dict(a, score)
        for a, score in selectors.similar_open_appeals(
            user=request.auth, community=region, text=content
        )
    ]


@router.get("/alerts", response=list[AlertOut])
def alert_list(request: ApiRequest, open_only: bool = False):
    return [
        _alert(a) for a in selectors.risk_alerts_for(user=request.auth, open_only=open_only)[:200]
    ]


@router.post("/alerts/{alert_id}/ack", response=AlertOut)
def alert_ack(request: ApiRequest, alert_id: int):
    alert = selectors.access_risk_alert(user=request.auth, alert_id=alert_id)
    return _alert(services.risk_alert_acknowledge(alert=alert, actor=request.auth))


def _alert(alert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        kind=alert.kind,
        community=alert.community.code,
        category=alert.category,
        summary=alert.summary,
        evidence=alert.evidence,
        evidence_text=risk_evidence_text(alert.kind, alert.evidence or {}),
        created_at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
    )


@router.post("/appeals/{appeal_id}/join", response={201: AppealOut})
def appeal_join(request: ApiRequest, appeal_id: int):
    """ "+1": join an open appeal instead of filing the same matter again."""
    master = Appeal.objects.filter(
        pk=appeal_id, merged_into__isnull=True, is_anonymous=False
    ).first()
    if master is None:
        raise NotFound(_("No such appeal."), code="appeal_not_found")
    mine = services.appeal_join(master=master, resident=request.auth)
    return Status(201, _out(request, mine))


@router.get("/appeals/{appeal_id}", response=AppealOut)
def appeal_detail(request: ApiRequest, appeal_id: int):
    """The appeal; `actions` lists what the caller may do to it now (the transition
    table's answer, the same as the appeal page's buttons)."""
    appeal = _get(request, appeal_id)
    offered = transitions.offered(request.auth, appeal)
    return _out(request, appeal) | {"actions": [a for a, ok in offered.items() if ok]}


@router.get("/appeals/{appeal_id}/events", response=list[EventOut])
def appeal_events(request: ApiRequest, appeal_id: int):
    appeal = _get(request, appeal_id)
    staff = selectors.is_staff_view(request.auth, appeal)
    return [
        event_dict(e, staff_view=staff, appeal=appeal)
        for e in selectors.appeal_timeline(appeal=appeal, staff_view=staff)
    ]


# The same-shaped actions (appeal, person, a few text fields → the appeal): one route
# each, built from the registry the staff page's forms use too.
PAYLOADS: dict[str, type] = {
    "reply": MessageIn,
    "note": MessageIn,
    "urge": NoteIn,
    "supervise": NoteIn,
    "resolve": ReplyIn,
    "return": ReasonIn,
    "escalate": ReasonIn,
    "reject": ReasonIn,
    "reopen": ReasonIn,
    "close": ReasonIn,
    "unmark_repeat": ReasonIn,
    "triage": TriageIn,
}
# Function names (and so OpenAPI operation ids) as they were when written by hand.
OPERATION_NAMES = {"confirm_triage": "appeal_triage_confirm"}


def _action_route(action: actions.Action) -> None:
    payload_type = PAYLOADS.get(action.name)
    if payload_type is None:

        def handler(request: ApiRequest, appeal_id: int):
            appeal = _get(request, appeal_id)
            return _out(request, action.run(appeal=appeal, actor=request.auth, data={}))

        handler.__annotations__ = {"request": ApiRequest, "appeal_id": int}
    else:

        def handler(request: ApiRequest, appeal_id: int, payload):  # type: ignore[misc]
            appeal = _get(request, appeal_id)
            data = payload.dict()
            return _out(request, action.run(appeal=appeal, actor=request.auth, data=data))

        handler.__annotations__ = {
            "request": HttpRequest,
            "appeal_id": int,
            "payload": payload_type,
        }
    handler.__name__ = handler.__qualname__ = OPERATION_NAMES.get(
        action.name, f"appeal_{action.name}"
    )
    handler.__doc__ = action.doc or None
    router.post(f"/appeals/{{appeal_id}}/{action.api_path}", response=AppealOut)(handler)


for _action in actions.REGISTRY.values():
    _action_route(_action)


@router.post("/appeals/{appeal_id}/rate", response=AppealOut)
def appeal_rate(request: ApiRequest, appeal_id: int, payload: RateIn):
    appeal = _get(request, appeal_id)
    services.appeal_rate(
        appeal=appeal,
        actor=request.auth,
        level=payload.level,
        solved=payload.solved,
        comment=payload.comment,
    )
    return _out(request, appeal)


@router.post("/appeals/{appeal_id}/merge", response=AppealOut)
def appeal_merge(request: ApiRequest, appeal_id: int, payload: MergeIn):
    appeal = _get(request, appeal_id)
    master = _get(request, payload.master_id)
    return _out(request, services.appeal_merge(appeal=appeal, master=master, actor=request.auth))


@router.post("/appeals/{appeal_id}/repeat", response=AppealOut)
def appeal_mark_repeat(request: ApiRequest, appeal_id: int, payload: RepeatIn):
    """Mark the appeal as a repeat of the same person's earlier appeal (its number); an
    earlier appeal outside the caller's scope answers 404, an anonymous one 400."""
    appeal = _get(request, appeal_id)
    earlier = selectors.appeal_in_scope_by_reference(user=request.auth, reference=payload.earlier)
    return _out(
        request,
        services.appeal_mark_repeat(
            appeal=appeal, earlier=earlier, actor=request.auth, note=payload.note
        ),
    )


@router.post("/appeals/{appeal_id}/dispatch", response=AppealOut)
def appeal_dispatch(request: ApiRequest, appeal_id: int, payload: DispatchIn):
    assignee = User.objects.filter(pk=payload.assignee_id).first() if payload.assignee_id else None
    if payload.assignee_id and assignee is None:
        raise ValidationFailed(
            _("That person does not hold the role there."), code="invalid_assignee"
        )
    appeal = services.appeal_dispatch(
        appeal=_get(request, appeal_id),
        actor=request.auth,
        region=region_get(code=payload.region_code),
        role=payload.role,
        assignee=assignee,
        reason=payload.reason,
    )
    return _out(request, appeal)


@router.post("/appeals/{appeal_id}/extensions", response={201: ExtensionOut})
def appeal_extension_request(request: ApiRequest, appeal_id: int, payload: ExtensionIn):
    ext = services.appeal_extension_request(
        appeal=_get(request, appeal_id),
        actor=request.auth,
        working_days=payload.working_days,
        reason=payload.reason,
    )
    return Status(201, ext)


@router.post("/appeals/{appeal_id}/extensions/{extension_id}/decide", response=ExtensionOut)
def appeal_extension_decide(
    request: ApiRequest, appeal_id: int, extension_id: int, payload: DecideIn
):
    appeal = _get(request, appeal_id)
    extension = Extension.objects.filter(pk=extension_id, appeal=appeal).first()
    if extension is None:
        raise NotFound(_("No such extension request."), code="extension_not_found")
    return services.appeal_extension_decide(
        extension=extension, actor=request.auth, approve=payload.approve, note=payload.note
    )


@router.post("/appeals/{appeal_id}/follow-up", response={201: EventOut})
def appeal_follow_up(request: ApiRequest, appeal_id: int, payload: FollowUpIn):
    event = services.appeal_follow_up(
        appeal=_get(request, appeal_id),
        actor=request.auth,
        note=payload.note,
        reached=payload.reached,
    )
    return Status(201, event_dict(event, staff_view=True))


@router.post("/appeals/{appeal_id}/reveal-submitter", response=SubmitterRevealOut)
def appeal_reveal_submitter(request: ApiRequest, appeal_id: int, payload: ReasonIn):
    appeal = _get(request, appeal_id)
    if not selectors.is_staff_view(request.auth, appeal):
        raise PermissionDenied(
            _("Your role may not reveal anonymous submitters."), code="reveal_denied"
        )
    return services.appeal_reveal_submitter(
        appeal=appeal, actor=request.auth, reason=payload.reason, ip=client_ip(request)
    )


@router.get("/appeals/{appeal_id}/attachments/{attachment_id}")
def appeal_attachment(request: ApiRequest, appeal_id: int, attachment_id: int):
    """The file itself, only to those who may see the appeal (media is never public)."""
    attachment = selectors.access_attachment(
        user=request.auth, appeal_id=appeal_id, attachment_id=attachment_id
    )
    return attachment_response(attachment)


@router.post("/appeals/{appeal_id}/withdraw", response=AppealOut)
def appeal_withdraw(request: ApiRequest, appeal_id: int, payload: WithdrawIn):
    """撤回 by the resident who filed it, while nobody has accepted it (submitted or
    dispatched). Afterwards: 409 `not_withdrawable`; with residents joined: 409 `has_joiners`."""
    return _out(
        request,
        services.appeal_withdraw(
            appeal=_get(request, appeal_id), actor=request.auth, reason=payload.reason
        ),
    )


@router.post("/appeals/{appeal_id}/material", response={201: EventOut})
def appeal_add_material(
    request: ApiRequest,
    appeal_id: int,
    form: Form[MaterialForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # Ninja: an optional part
):
    """补充材料 (multipart form): `text` and/or files `photos`, by the resident who filed
    the appeal, while it is open; the handler is told. A finished appeal: 409
    `appeal_not_open`."""
    appeal = _get(request, appeal_id)
    files = photos_from(request.FILES)
    event = services.appeal_add_material(
        appeal=appeal, actor=request.auth, text=request.POST.get("text", ""), files=files
    )
    return Status(201, event_dict(event, staff_view=False, appeal=appeal))
