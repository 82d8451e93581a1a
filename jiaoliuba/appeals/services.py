"""The appeal loop. Each state change is one function here: it checks the policy, moves
the status by compare-and-set, appends an AppealEvent and tells people once the
transaction commits. Nothing else writes an appeal's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import clocks, policies, risk, routing, selectors, similarity, tracking
from jiaoliuba.appeals.choices import (
    FINAL_STATUSES,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    AttachmentKind,
    Category,
    Channel,
    ClosureReason,
    EventKind,
    ExtensionStatus,
    MediationOutcome,
    Priority,
    RatingLevel,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealEvent,
    Attachment,
    Extension,
    IdempotencyRecord,
    Mediation,
    MediationParty,
    MediationSession,
    Rating,
)
from jiaoliuba.appeals.uploads import CleanFile
from jiaoliuba.core import clock, workdays
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.core.services import sensitive_access_record
from jiaoliuba.core.validators import normalize_mobile
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.triage import classifier
from jiaoliuba.triage.services import triage_feedback_record

# --- helpers -------------------------------------------------------------------------------


def _event(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    visible: bool = False,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        message=message,
        visible_to_resident=visible,
        data=data or {},
        created_at=at or clock.now(),
    )


def _text(message: Any, **params: Any) -> str:
    """Notification text in the site's default language (residents read Chinese).

    Only our own translatable templates (lazy gettext) are filled in with `params`.
    Anything else is text a person typed (a reply, a reason, a rating comment) and is
    returned as data: used as a format string, "涨了30%，" raised, "{% debug %}" raised
    a TypeError, and "%(number)s" was replaced."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _notify(
    users: Iterable[Any],
    kind: str,
    title: Any,
    body: Any,
    appeal: Appeal,
    *,
    sms: bool = False,
    **params: Any,
) -> None:
    """Inbox rows are written in the caller's transaction; deliveries leave on commit."""
    from jiaoliuba.notifications.services import notify

    recipients = {u.pk: u for u in users if u is not None and getattr(u, "pk", None)}
    if not recipients:
        return
    notify(
        recipients=list(recipients.values()),
        kind=f"appeal.{kind}",
        title=_text(title, number=appeal.number or "", **params),
        body=_text(body, number=appeal.number or "", **params),
        link=f"/appeals/{appeal.pk}/",
        channels=("sms",) if sms else (),
        payload={
            "appeal": appeal.number,
            "status": appeal.status,
            "priority": appeal.priority,
            "category": appeal.category,
        },
    )


def _reporters(appeal: Appeal) -> list[Any]:
    """The resident and everyone whose appeal was merged into this one."""
    people = [appeal.submitter]
    people += [
        a.submitter for a in Appeal.objects.filter(merged_into=appeal).select_related("submitter")
    ]
    return [p for p in people if p is not None]


def _handlers(appeal: Appeal) -> list[Any]:
    if appeal.assignee is not None:
        return [appeal.assignee]
    if appeal.handling_region is None or not appeal.handling_role:
        return []
    return routing.holders(appeal.handling_role, appeal.handling_region)


def _supervisors(appeal: Appeal) -> list[Any]:
    """Staff one level above the unit that handles the appeal."""
    region = appeal.handling_region or appeal.community
    above: Region = region.parent or region
    roles: tuple[str, ...] = {
        RegionLevel.COMMUNITY: (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF),
        RegionLevel.STREET: (Role.STREET_OFFICER,),
        RegionLevel.DISTRICT: (Role.DISTRICT_OFFICER,),
        RegionLevel.CITY: (Role.CITY_ADMIN,),
    }.get(RegionLevel(above.level), (Role.CITY_ADMIN,))
    people: list[Any] = []
    for role in roles:
        people += routing.holders(role, above)
    return people


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("community", "grid", "handling_region", "assignee", "submitter")
        .get(pk=appeal.pk)
    )


_STATE_FIELDS = ("status", "current_due_at", "next_check_at")


def _move(fresh: Appeal, old_status: str, fields: Iterable[str]) -> None:
    """Compare-and-set: write `fields` only if the status is still `old_status`."""
    clocks.refresh(fresh)
    names = set(fields) | set(_STATE_FIELDS)
    updated = Appeal.objects.filter(pk=fresh.pk, status=old_status).update(
        **{n: getattr(fresh, n) for n in names}
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this appeal a moment ago. Please reload."), code="stale_appeal"
        )


def _settle_pending_extension(appeal: Appeal, actor: Any, why: str) -> None:
    """Handling ended or moved: a request for more time can no longer be decided."""
    Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=clock.now(),
        decision_note=why[:300],
    )


def _require_status(appeal: Appeal, allowed: Iterable[str]) -> None:
    if appeal.status not in allowed:
        raise Conflict(
            _("This cannot be done while the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()},
            code="wrong_status",
        )


def _require_text(value: str, message: Any, *, code: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            _("The text is longer than %(n)s characters.") % {"n": max_length}, code="text_too_long"
        )
    return value


# --- intake ----------------------------------------------------------------------------------


@dataclass
class Intake:
    content: str
    community: Region | None
    grid: Region | None = None
    type_hint: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    contact_phone: str = ""
    is_anonymous: bool = False
    consent_public: bool = False
    channel: str = Channel.ONLINE
    received_at: dt.datetime | None = None


def _validate_intake(intake: Intake, files: list[CleanFile]) -> tuple[Region, Region | None, str]:
    content = (intake.content or "").strip()
    if not content:
        raise ValidationFailed(_("Please describe the matter."), code="content_required")
    if len(content) > settings.APPEAL_MAX_TEXT:
        raise ValidationFailed(
            _("The description is longer than %(n)s characters.") % {"n": settings.APPEAL_MAX_TEXT},
            code="content_too_long",
        )
    if intake.type_hint and intake.type_hint not in Category.values:
        raise ValidationFailed(_("Unknown category."), code="invalid_category")
    if intake.channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="invalid_channel")
    community, grid = intake.community, intake.grid
    if grid is not None:
        if grid.level != RegionLevel.GRID:
            raise ValidationFailed(_("Please choose a grid."), code="invalid_grid")
        if community is None:
            community = grid.parent
        elif grid.parent_id != community.pk:
            raise ValidationFailed(
                _("That grid is not in the chosen community."), code="invalid_grid"
            )
    if community is None or community.level != RegionLevel.COMMUNITY:
        raise ValidationFailed(
            _("Please choose the community where this happens."), code="community_required"
        )
    if len(intake.address) > 200:
        raise ValidationFailed(
            _("The address is longer than 200 characters."), code="invalid_address"
        )
    for value, low, high in ((intake.latitude, -90, 90), (intake.longitude, -180, 180)):
        if value is not None and not (low <= value <= high):
            raise ValidationFailed(_("The map point is not valid."), code="invalid_location")
    kinds = [f.kind for f in files]
    if kinds.count(AttachmentKind.IMAGE) > settings.APPEAL_MAX_IMAGES:
        raise ValidationFailed(
            _("At most %(n)s photos.") % {"n": settings.APPEAL_MAX_IMAGES}, code="too_many_files"
        )
    if kinds.count(AttachmentKind.AUDIO) > 1 or kinds.count(AttachmentKind.VIDEO) > 1:
        raise ValidationFailed(_("At most one voice clip and one video."), code="too_many_files")
    phone = normalize_mobile(intake.contact_phone) if intake.contact_phone.strip() else ""
    return community, grid, phone


def _find_repeat(appeal: Appeal) -> Appeal | None:
    """The same resident and matter within 30 days: same category and similar text."""
    if not policies.person_linkable(appeal):
        return None
    earlier = selectors.previous_appeals_of(
        submitter=appeal.submitter, before=appeal.received_at, days=settings.APPEAL_REPEAT_DAYS
    ).exclude(pk=appeal.pk)
    grams = similarity.shingles(appeal.content)
    for other in earlier.filter(category=appeal.category).order_by("-received_at")[:20]:
        if similarity.jaccard(grams, similarity.shingles(other.content)) >= 0.3:
            return other
    return None


def appeal_submit(
    *,
    submitter: Any,
    intake: Intake,
    files: list[CleanFile] | None = None,
    created_by: Any = None,
    idempotency_key: str = "",
) -> tuple[Appeal, bool]:
    """File an appeal (online by a resident, or offline by staff for one). Returns
    (appeal, created); a retry with the same Idempotency-Key returns the first appeal."""
    files = files or []
    owner = str(submitter.pk) if submitter is not None else ""
    if created_by is not None:
        owner = f"staff:{created_by.pk}"
    key = (idempotency_key or "").strip()[:100]
    if key:
        record = (
            IdempotencyRecord.objects.filter(owner=owner, key=key).select_related("appeal").first()
        )
        if record is not None:
            return record.appeal, False
    community, grid, phone = _validate_intake(intake, files)
    now = clock.now()
    received_at = intake.received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(
            _("The time received cannot be in the future."), code="invalid_received_at"
        )
    verdict = classifier.classify(text=intake.content, type_hint=intake.type_hint)
    deadlines = clocks.deadlines_for(
        priority=verdict.priority, category=verdict.category, received_at=received_at
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            if key:
                # A retry racing its original waits here for it (SQLite's BEGIN IMMEDIATE
                # already serialises writers; PostgreSQL needs the lock) and then returns
                # the first appeal instead of redoing the work.
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{owner}:{key}"]
                        )
                record = (
                    IdempotencyRecord.objects.filter(owner=owner, key=key)
                    .select_related("appeal")
                    .first()
                )
                if record is not None:
                    return record.appeal, False
            appeal = Appeal(
                submitter=submitter,
                created_by=created_by,
                is_anonymous=intake.is_anonymous,
                consent_public=intake.consent_public,
                channel=intake.channel,
                type_hint=intake.type_hint,
                content=intake.content.strip(),
                address=intake.address.strip(),
                latitude=intake.latitude,
                longitude=intake.longitude,
                contact_phone=phone,
                community=community,
                grid=grid,
                region_path=(grid or community).path,
                priority=verdict.priority,
                category=verdict.category,
                triage_confidence=verdict.confidence,
                triage_reasons=verdict.reasons,
                triage_needs_review=verdict.needs_review,
                status=Status.SUBMITTED,
                received_at=received_at,
                response_due_at=deadlines.response_due_at,
                resolution_due_at=deadlines.resolution_due_at,
                resolution_due_original_at=deadlines.resolution_due_at,
                tracking_code=tracking.new_code(),
            )
            clocks.refresh(appeal)
            appeal.save()
            local = received_at.astimezone(clock.SHANGHAI)
            appeal.number = f"{local:%Y%m%d}{appeal.pk:06d}"
            repeat = _find_repeat(appeal)
            if repeat is not None:
                appeal.is_repeat, appeal.repeat_of = True, repeat
            Appeal.objects.filter(pk=appeal.pk).update(
                number=appeal.number, is_repeat=appeal.is_repeat, repeat_of=repeat
            )
            for clean in files:
                attachment = Attachment.objects.create(
                    appeal=appeal,
                    kind=clean.kind,
                    file=clean.content,
                    content_type=clean.content_type,
                    size=clean.size,
                )
                stored.append(attachment.file.name)
            if key:
                IdempotencyRecord.objects.create(owner=owner, key=key, appeal=appeal)
            _event(
                appeal,
                EventKind.SUBMITTED,
                actor=created_by or submitter,
                to_status=Status.SUBMITTED,
                visible=True,
                at=received_at,
                data={"channel": appeal.channel},
            )
            _event(
                appeal,
                EventKind.TRIAGED,
                data={
                    "priority": verdict.priority,
                    "category": verdict.category,
                    "confidence": verdict.confidence,
                    "reasons": verdict.reasons,
                },
            )
            if repeat is not None:
                _event(appeal, EventKind.REPEAT_MARKED, data={"repeat_of": repeat.number})
            _auto_dispatch(appeal)
            _send_receipt(appeal)
            risk.index_appeal(appeal)
            transaction.on_commit(lambda: _enqueue_risk_check(appeal.pk))
    except BaseException as exc:
        # The rows rolled back; the files written to storage must go too.
        for name in stored:
            default_storage.delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        if key:
            record = (
                IdempotencyRecord.objects.filter(owner=owner, key=key)
                .select_related("appeal")
                .first()
            )
            if record is not None:  # a concurrent retry won the race
                return record.appeal, False
        raise
    appeal.refresh_from_db()
    return appeal, True


def _enqueue_risk_check(appeal_id: int) -> None:
    from jiaoliuba.appeals.tasks import risk_check

    risk_check.enqueue(appeal_id)


def appeal_join(*, master: Appeal, resident: Any, note: str = "") -> Appeal:
    """“+1”: a resident who has the same matter as an open appeal joins it instead of
    filing a new one. Their appeal is recorded merged into the master, so it counts as
    received, follows the master and brings them its feedback."""
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed(_("The note is longer than 500 characters."), code="text_too_long")
    resident_profile = account_selectors.resident_of(resident)
    if resident_profile is None or resident_profile.community_id != master.community_id:
        # Residents join matters of their own community (the list they were shown).
        raise PermissionDenied(
            _("You can only join appeals in your own community."), code="not_your_community"
        )
    now = clock.now()
    with transaction.atomic():
        master = _locked(master)
        if master.status not in OPEN_STATUSES or master.merged_into_id:
            raise Conflict(
                _("This matter is no longer open; please raise a new appeal."), code="not_open"
            )
        if (
            master.submitter_id == resident.pk
            or Appeal.objects.filter(merged_into=master, submitter=resident).exists()
        ):
            raise Conflict(_("You have already reported this matter."), code="already_joined")
        appeal = Appeal(
            submitter=resident,
            content=f"+1 {note}".strip() if note else f"+1 {master.content[:200]}",
            community=master.community,
            grid=master.grid,
            region_path=master.region_path,
            priority=master.priority,
            category=master.category,
            status=Status.MERGED,
            merged_into=master,
            received_at=now,
            closed_at=now,
            channel=Channel.ONLINE,
            response_due_at=master.response_due_at,
            resolution_due_at=master.resolution_due_at,
            resolution_due_original_at=master.resolution_due_original_at,
            tracking_code=tracking.new_code(),
        )
        clocks.refresh(appeal)
        appeal.save()
        appeal.number = f"{now.astimezone(clock.SHANGHAI):%Y%m%d}{appeal.pk:06d}"
        Appeal.objects.filter(pk=appeal.pk).update(number=appeal.number)
        _event(
            appeal,
            EventKind.SUBMITTED,
            actor=resident,
            to_status=Status.SUBMITTED,
            visible=True,
            at=now,
        )
        _event(
            appeal,
            EventKind.MERGED,
            from_status=Status.SUBMITTED,
            to_status=Status.MERGED,
            visible=True,
            message=master.number or "",
            data={"master": master.number, "joined": True},
            at=now,
        )
        _event(
            master,
            EventKind.MERGED,
            actor=resident,
            data={"merged": appeal.number, "joined": True},
            at=now,
        )
        transaction.on_commit(lambda: _enqueue_risk_check(appeal.pk))
    return appeal


# --- receipts, tracking, withdrawal and added material (issue 9: 9, 10, 13) ----------------


def _local_time(moment: dt.datetime) -> str:
    """A deadline as residents read it: Asia/Shanghai, in the site's language."""
    from django.utils import formats

    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(moment.astimezone(clock.SHANGHAI), "DATETIME_FORMAT")


def tracking_link(appeal: Appeal) -> str:
    """The short link of the receipt (relative; SMS make it absolute with SITE_URL)."""
    return f"/t/{appeal.tracking_code}/" if appeal.tracking_code else f"/appeals/{appeal.pk}/"


def _tracking_code_matches(appeal: Appeal, code: str) -> bool:
    import secrets

    wanted = tracking.normalize(code)
    return bool(wanted and appeal.tracking_code) and secrets.compare_digest(
        wanted, appeal.tracking_code or ""
    )


def receipt_message(appeal: Appeal) -> tuple[str, str, str]:
    """受理回执: (title, body, link). User text never enters a format string here: only
    our own templates are formatted, with the number, deadline and code as data."""
    title = _text(_("Your appeal %(number)s has been received"), number=appeal.number or "")
    body = _text(
        _("We will reply by %(due)s. Tracking code %(code)s: use it to follow the progress."),
        due=_local_time(appeal.resolution_due_at),
        code=appeal.tracking_code or "",
    )
    return title, body, tracking_link(appeal)


def resolved_message(appeal: Appeal, reply: str) -> tuple[str, str, str]:
    """The resolution message: the reply (as data) and the link where it is rated."""
    title = _text(_("Appeal %(number)s is resolved: please rate it"), number=appeal.number or "")
    return title, reply, tracking_link(appeal)


def _send_receipt(appeal: Appeal) -> None:
    """Every new appeal, online or entered at the desk, gets a receipt: the resident's
    inbox and SMS, or an SMS to the contact number of an appeal filed without account."""
    from jiaoliuba.notifications.services import notify

    title, body, link = receipt_message(appeal)
    if appeal.submitter is not None:
        notify(
            recipients=[appeal.submitter],
            kind="appeal.received",
            title=title,
            body=body,
            link=link,
            channels=("sms",),
            payload={"appeal": appeal.number, "status": appeal.status},
        )
    elif appeal.contact_phone:
        _enqueue_contact_sms(appeal.pk, "receipt")


def _notify_resolved(appeal: Appeal, reply: str) -> None:
    from jiaoliuba.notifications.services import notify

    title, body, link = resolved_message(appeal, reply)
    if appeal.submitter is not None:
        notify(
            recipients=[appeal.submitter],
            kind="appeal.resolved",
            title=title,
            body=body,
            link=link,
            channels=("sms",),
            payload={"appeal": appeal.number, "status": appeal.status},
        )
    elif appeal.contact_phone:
        _enqueue_contact_sms(appeal.pk, "resolved")
    # Residents whose appeals were merged into this one follow it from their own appeal.
    for merged in Appeal.objects.filter(merged_into=appeal, submitter__isnull=False).exclude(
        submitter_id=appeal.submitter_id
    ):
        notify(
            recipients=[u for u in (merged.submitter,) if u is not None],
            kind="appeal.resolved",
            title=title,
            body=body,
            link=tracking_link(merged),
            channels=("sms",),
            payload={"appeal": merged.number, "status": appeal.status},
        )


def _enqueue_contact_sms(appeal_id: int, what: str) -> None:
    """The number is read (decrypted) by the task, so it never sits in the task queue."""
    from jiaoliuba.appeals.tasks import contact_sms

    transaction.on_commit(lambda: contact_sms.enqueue(appeal_id, what))


def appeal_contact_sms_send(*, appeal_id: int, what: str) -> bool:
    """Send the receipt or resolution SMS of an appeal filed without an account to the
    contact number given on the form. Returns whether a message went out."""
    from jiaoliuba.core.sms import get_sms_backend
    from jiaoliuba.notifications.channels import sms_text
    from jiaoliuba.notifications.models import Notification

    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None or not appeal.contact_phone:
        return False
    if what == "receipt":
        title, body, link = receipt_message(appeal)
    elif what == "resolved":
        title, body, link = resolved_message(appeal, appeal.reply)
    else:
        return False
    # An unsaved Notification only to reuse the one SMS layout (signature, clipping, link).
    message = sms_text(Notification(title=title, body=body, link=link))
    get_sms_backend().send(phone=appeal.contact_phone, message=message)
    return True


WITHDRAWABLE_STATUSES = (Status.SUBMITTED, Status.DISPATCHED)


def appeal_withdraw(*, appeal: Appeal, actor: Any, reason: str = "") -> Appeal:
    """撤回: the resident takes back an appeal nobody has accepted yet. The appeal ends as
    “withdrawn”: it stays in 受理量 but in no other figure (not resolved, not late), and
    its handlers are told. Once accepted it is being worked on: refused with a conflict."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationFailed(_("The text is longer than %(n)s characters.") % {"n": 300})
    with transaction.atomic():
        fresh = _locked(appeal)
        if fresh.submitter_id is None or fresh.submitter_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the resident who filed the appeal may withdraw it."))
        if fresh.status not in WITHDRAWABLE_STATUSES:
            raise Conflict(
                _(
                    "This appeal has already been accepted or finished and can no longer be "
                    "withdrawn. You can add material or wait for the reply."
                ),
                code="not_withdrawable",
                extra={"status": fresh.status},
            )
        if Appeal.objects.filter(merged_into=fresh).exists():
            raise Conflict(
                _("Other residents joined this appeal, so it cannot be withdrawn."),
                code="has_joiners",
            )
        old, now = fresh.status, clock.now()
        handlers = _handlers(fresh)
        fresh.status, fresh.closed_at = Status.WITHDRAWN, now
        _move(fresh, old, ("closed_at",))
        _event(
            fresh,
            EventKind.WITHDRAWN,
            actor=actor,
            from_status=old,
            to_status=Status.WITHDRAWN,
            message=reason,
            visible=True,
        )
        _notify(
            handlers,
            "withdrawn",
            _("Appeal %(number)s was withdrawn by the resident"),
            _("Reason: %(reason)s") if reason else _("No reason was given."),
            fresh,
            reason=reason,
        )
    return fresh


def appeal_add_material(
    *, appeal: Appeal, actor: Any, text: str = "", files: list[CleanFile] | None = None
) -> AppealEvent:
    """补充材料: the resident adds text or photos to an appeal still open; the handler is
    told. A finished appeal takes no more material (a new appeal carries a new matter)."""
    files = files or []
    text = (text or "").strip()
    if not text and not files:
        raise ValidationFailed(
            _("Please write something or choose photos to add."), code="material_required"
        )
    if len(text) > 1000:
        raise ValidationFailed(_("The text is longer than %(n)s characters.") % {"n": 1000})
    if any(f.kind != AttachmentKind.IMAGE for f in files):
        raise ValidationFailed(_("Only photos can be added."), code="invalid_file")
    if len(files) > settings.APPEAL_MAX_IMAGES:
        raise ValidationFailed(
            _("At most %(n)s photos.") % {"n": settings.APPEAL_MAX_IMAGES}, code="too_many_files"
        )
    if appeal.submitter_id is None or appeal.submitter_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the resident who filed the appeal may add material."))
    stored: list[str] = []
    try:
        with transaction.atomic():
            fresh = _locked(appeal)
            if fresh.status not in OPEN_STATUSES:
                raise Conflict(
                    _(
                        "This appeal is finished and takes no more material; please raise a "
                        "new appeal if the matter continues."
                    ),
                    code="appeal_not_open",
                    extra={"status": fresh.status},
                )
            ids = []
            for clean in files:
                attachment = Attachment.objects.create(
                    appeal=fresh,
                    kind=clean.kind,
                    file=clean.content,
                    content_type=clean.content_type,
                    size=clean.size,
                )
                stored.append(attachment.file.name)
                ids.append(attachment.pk)
            event = _event(
                fresh,
                EventKind.MATERIAL_ADDED,
                actor=actor,
                message=text,
                visible=True,
                data={"attachments": ids},
            )
            body = (
                _("The resident wrote: %(text)s (%(photos)s photos)")
                if text
                else _("The resident added %(photos)s photos.")
            )
            _notify(
                _handlers(fresh),
                "material_added",
                _("Appeal %(number)s: the resident added material"),
                body,
                fresh,
                text=text,
                photos=len(ids),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return event


def appeal_risk_check(*, appeal_id: int) -> list[Any]:
    """Run the detectors for a new appeal and tell the street's officers of new alerts."""
    appeal = (
        Appeal.objects.select_related("community", "community__parent").filter(pk=appeal_id).first()
    )
    if appeal is None:
        return []
    created = []
    labels = {
        "surge": _("Surge of %(category)s appeals in %(place)s"),
        "cluster": _("Several residents report the same matter in %(place)s"),
        "repeat": _("One resident has raised several appeals in 30 days"),
    }
    # Judge the appeal at the time it was received (desk entries may be back-dated, and
    # the task may run late), not when the worker gets to it.
    for kind, key, evidence in risk.scan(appeal, now=appeal.received_at):
        summary = _text(
            labels[kind], category=appeal.get_category_display(), place=appeal.community.name
        )
        alert = risk.create_alert(
            appeal=appeal, kind=kind, key=key, evidence=evidence, summary=summary
        )
        if alert is None:
            continue
        created.append(alert)
        street = appeal.community.parent
        officers = routing.holders(Role.STREET_OFFICER, street) if street else []
        from jiaoliuba.notifications.services import notify

        if officers:
            notify(
                recipients=officers,
                kind=f"risk.{kind}",
                title=summary,
                body=_text(
                    _("Evidence: %(evidence)s"),
                    evidence=_evidence_words(kind, evidence),
                ),
                link="/workbench/alerts/",
                channels=("sms",),
            )
    return created


def _evidence_words(kind: str, evidence: dict[str, Any]) -> str:
    from jiaoliuba.appeals.plain import risk_evidence_text

    with translation.override(settings.LANGUAGE_CODE):
        return "；".join(risk_evidence_text(kind, evidence)) or "—"


def risk_alert_acknowledge(*, alert: Any, actor: Any) -> Any:
    from jiaoliuba.appeals.models import RiskAlert

    updated = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=clock.now()
    )
    if updated != 1:
        raise Conflict(_("This alert was already acknowledged."), code="already_acknowledged")
    alert.refresh_from_db()
    return alert


def staff_intake_submitter(*, phone: str, name: str = "", community: Region | None = None) -> Any:
    """For desk entry: the resident with this number, registered now if new."""
    phone = normalize_mobile(phone)
    user = account_selectors.user_by_phone(phone=phone)
    if user is None:
        user = account_services.resident_register(
            phone=phone, display_name=name, community=community
        )
    return user


def _auto_dispatch(appeal: Appeal) -> None:
    route = routing.route(appeal)
    _dispatch(
        appeal,
        actor=None,
        region=route.region,
        role=route.role,
        assignee=route.assignee,
        reason=route.reason,
        extra_notify=route.notify,
    )


def _dispatch(
    appeal: Appeal,
    *,
    actor: Any,
    region: Region,
    role: str,
    assignee: Any,
    reason: str,
    extra_notify: list[Any] | None = None,
) -> None:
    fresh = _locked(appeal)
    _require_status(fresh, (Status.SUBMITTED, Status.DISPATCHED))
    old = fresh.status
    now = clock.now()
    previous = {
        "region": fresh.handling_region.code if fresh.handling_region else None,
        "role": fresh.handling_role,
        "assignee": fresh.assignee_id,
        "reason": fresh.routing_reason,
    }
    fresh.handling_region, fresh.handling_role, fresh.assignee = region, role, assignee
    fresh.routing_reason = reason[:200]
    fresh.dispatched_at = now
    fresh.status = Status.DISPATCHED
    _move(
        fresh,
        old,
        ("handling_region", "handling_role", "assignee", "routing_reason", "dispatched_at"),
    )
    _event(
        fresh,
        EventKind.DISPATCHED,
        actor=actor,
        from_status=old,
        to_status=Status.DISPATCHED,
        visible=True,
        message=region.name,
        data={
            "region": region.code,
            "role": role,
            "assignee": assignee.pk if assignee else None,
            "reason": reason,
            # a staff dispatch overrides the routing: keep what it replaced
            "by": "staff" if actor is not None else "routing",
            "previous": previous if actor is not None else None,
        },
    )
    title = (
        _("New appeal %(number)s")
        if fresh.priority != Priority.RED
        else _("URGENT appeal %(number)s")
    )
    body = _("%(category)s at %(place)s. Please accept it.")
    params = {"category": fresh.get_category_display(), "place": fresh.community.name}
    _notify(
        _handlers(fresh),
        "dispatched",
        title,
        body,
        fresh,
        sms=fresh.priority == Priority.RED,
        **params,
    )
    if extra_notify:
        _notify(
            extra_notify,
            "red_alert",
            _("URGENT appeal %(number)s"),
            _("A red appeal in %(place)s: %(category)s."),
            fresh,
            sms=True,
            **params,
        )


def appeal_dispatch(
    *,
    appeal: Appeal,
    actor: Any,
    region: Region,
    role: str,
    assignee: Any = None,
    reason: str = "",
    to_unit: bool = False,
) -> Appeal:
    """Manual (re)dispatch by a dispatcher, e.g. after a return or to override routing.
    Without a named person the least busy holder of the role gets it; `to_unit` leaves
    it to the whole unit, and whoever signs first takes it."""
    if not policies.may_dispatch(actor, appeal):
        raise PermissionDenied(_("You may not dispatch this appeal."))
    if role not in Role.values or role in (Role.RESIDENT,):
        raise ValidationFailed(_("Unknown role."), code="invalid_role")
    if not appeal.region_path.startswith(region.path):
        raise ValidationFailed(
            _("Dispatch to the appeal's own grid or community or a unit above it."),
            code="invalid_region",
        )
    holders = routing.holders(role, region)
    if assignee is not None and assignee not in holders:
        raise ValidationFailed(
            _("That person does not hold the role there."), code="invalid_assignee"
        )
    if not holders:
        raise ValidationFailed(_("Nobody holds that role there."), code="no_handler")
    if not to_unit:
        assignee = assignee or routing.least_busy(holders)
    with transaction.atomic():
        _dispatch(
            appeal,
            actor=actor,
            region=region,
            role=role,
            assignee=assignee,
            reason=reason or gettext("Dispatched by %(name)s") % {"name": actor},
        )
    return selectors.access_appeal(user=actor, appeal_id=appeal.pk)


def appeal_correct_triage(
    *, appeal: Appeal, actor: Any, priority: str, category: str, reason: str
) -> Appeal:
    """Staff correct the classification; the deadlines follow the new priority and the
    correction is kept as training data."""
    if not policies.may_dispatch(actor, appeal) and not policies.may_handle(actor, appeal):
        raise PermissionDenied(_("You may not reclassify this appeal."))
    if priority not in Priority.values or category not in Category.values:
        raise ValidationFailed(_("Unknown priority or category."), code="invalid_category")
    reason = _require_text(
        reason,
        _("Please say why the classification is wrong."),
        code="reason_required",
        max_length=200,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, OPEN_STATUSES)
        before = (fresh.priority, fresh.category)
        if before == (priority, category):
            raise ValidationFailed(_("That is the current classification."), code="no_change")
        deadlines = clocks.deadlines_for(
            priority=priority, category=category, received_at=fresh.received_at
        )
        fresh.priority, fresh.category = priority, category
        fresh.triage_needs_review = False
        if fresh.response_due_at != deadlines.response_due_at:
            # A new deadline is watched afresh: the old reminder and breach marks go.
            fresh.response_due_at = deadlines.response_due_at
            fresh.response_urged_at = fresh.response_supervised_at = None
        new_resolution = deadlines.resolution_due_at
        if fresh.extension_count or fresh.reopen_count:
            # An approved extension or a reopening set a later deadline on purpose; keep it.
            new_resolution = max(new_resolution, fresh.resolution_due_at)
        if fresh.resolution_due_at != new_resolution:
            fresh.resolution_due_at = new_resolution
            fresh.resolution_urged_at = fresh.resolution_supervised_at = None
        fresh.resolution_due_original_at = deadlines.resolution_due_at
        _move(
            fresh,
            fresh.status,
            (
                "priority",
                "category",
                "triage_needs_review",
                "response_due_at",
                "resolution_due_at",
                "resolution_due_original_at",
                "response_urged_at",
                "response_supervised_at",
                "resolution_urged_at",
                "resolution_supervised_at",
            ),
        )
        _event(
            fresh,
            EventKind.TRIAGE_CORRECTED,
            actor=actor,
            message=reason,
            data={"from": list(before), "to": [priority, category]},
        )
        triage_feedback_record(
            source=f"appeals.appeal:{fresh.pk}",
            text=fresh.content,
            predicted=before,
            corrected=(priority, category),
            reason=reason,
            actor=actor,
        )
    return fresh


def appeal_confirm_triage(*, appeal: Appeal, actor: Any) -> Appeal:
    """Manual triage: a person agrees with a low-confidence verdict."""
    if not policies.may_dispatch(actor, appeal) and not policies.may_handle(actor, appeal):
        raise PermissionDenied(_("You may not reclassify this appeal."))
    _require_status(appeal, OPEN_STATUSES)
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, triage_needs_review=True).update(
            triage_needs_review=False
        )
        if updated != 1:
            raise Conflict(_("The classification was already confirmed."), code="already_confirmed")
        _event(
            appeal,
            EventKind.TRIAGE_CORRECTED,
            actor=actor,
            message=gettext("Classification confirmed"),
            data={
                "from": [appeal.priority, appeal.category],
                "to": [appeal.priority, appeal.category],
            },
        )
    appeal.refresh_from_db()
    return appeal


# --- handling ----------------------------------------------------------------------------------


def appeal_accept(*, appeal: Appeal, actor: Any) -> Appeal:
    """签收. Two people pressing it at once: exactly one wins, the other gets a conflict."""
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.DISPATCHED,))
        if not policies.may_handle(actor, fresh):
            raise PermissionDenied(_("This appeal is not assigned to you."))
        now = clock.now()
        fresh.status, fresh.assignee = Status.ACCEPTED, actor
        if fresh.first_response_at is None:
            fresh.first_response_at = now
        _move(fresh, Status.DISPATCHED, ("assignee", "first_response_at"))
        _event(
            fresh,
            EventKind.ACCEPTED,
            actor=actor,
            from_status=Status.DISPATCHED,
            to_status=Status.ACCEPTED,
            visible=True,
        )
        _notify(
            _reporters(fresh),
            "accepted",
            _("Your appeal %(number)s was accepted"),
            _("A handler has taken it on and will contact you."),
            fresh,
        )
    return fresh


def appeal_reply(*, appeal: Appeal, actor: Any, message: str) -> Appeal:
    """A message to the resident during handling; it counts as a first response."""
    message = _require_text(message, _("Please write the reply."), code="reply_required")
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.DISPATCHED, *HANDLING_STATUSES))
        if not policies.may_handle(actor, fresh):
            raise PermissionDenied(_("This appeal is not assigned to you."))
        old = fresh.status
        if fresh.first_response_at is None:
            fresh.first_response_at = clock.now()
        if old == Status.ACCEPTED:
            fresh.status = Status.IN_PROGRESS
        _move(fresh, old, ("first_response_at",))
        _event(
            fresh,
            EventKind.REPLIED,
            actor=actor,
            from_status=old,
            to_status=fresh.status,
            message=message,
            visible=True,
        )
        _notify(_reporters(fresh), "replied", _("New reply on appeal %(number)s"), message, fresh)
    return fresh


def appeal_note(*, appeal: Appeal, actor: Any, message: str) -> Appeal:
    """An internal note; residents never see it."""
    message = _require_text(message, _("Please write the note."), code="note_required")
    if not (
        policies.may_handle(actor, appeal)
        or policies.may_dispatch(actor, appeal)
        or policies.may_supervise(actor, appeal)
    ):
        raise PermissionDenied(_("You may not add notes to this appeal."))
    with transaction.atomic():
        fresh = _locked(appeal)
        old = fresh.status
        if old == Status.ACCEPTED and policies.may_handle(actor, fresh):
            fresh.status = Status.IN_PROGRESS
            _move(fresh, old, ())
        _event(
            fresh,
            EventKind.NOTE,
            actor=actor,
            from_status=old,
            to_status=fresh.status,
            message=message,
        )
    return fresh


def _press(*, appeal: Appeal, actor: Any, note: str, kind: str) -> Appeal:
    """催办/督办 by hand: an event with the note, counted with the sweep's automatic ones
    (same kinds; `manual` tells them apart), and the handler is told."""
    note = _require_text(
        note,
        _("Please write what you expect of the handler."),
        code="note_required",
        max_length=500,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.DISPATCHED, *HANDLING_STATUSES))
        if not policies.may_urge(actor, fresh):
            raise PermissionDenied(
                _("Only staff above the handler may urge or supervise this appeal."),
                code="urge_denied",
            )
        due_at = fresh.current_due_at or fresh.resolution_due_at
        _event(
            fresh,
            kind,
            actor=actor,
            message=note,
            data={
                "manual": True,
                "clock": "response" if fresh.first_response_at is None else "resolution",
                "due_at": due_at.isoformat() if due_at else None,
            },
        )
        by = getattr(actor, "display_name", "") or str(actor)
        if kind == EventKind.URGED:
            _notify(
                _handlers(fresh),
                "urged",
                _("Urged: appeal %(number)s"),
                _("%(by)s asks you to speed up: %(note)s"),
                fresh,
                by=by,
                note=note,
            )
        else:
            people = [p for p in _handlers(fresh) + _supervisors(fresh) if p.pk != actor.pk]
            _notify(
                people,
                "supervised",
                _("Under supervision: appeal %(number)s"),
                _("%(by)s is supervising its handling: %(note)s"),
                fresh,
                sms=True,
                by=by,
                note=note,
            )
    return fresh


def appeal_urge(*, appeal: Appeal, actor: Any, note: str) -> Appeal:
    """催办: someone above the handler asks them to hurry, with a note."""
    return _press(appeal=appeal, actor=actor, note=note, kind=EventKind.URGED)


def appeal_supervise(*, appeal: Appeal, actor: Any, note: str) -> Appeal:
    """督办 by hand: someone above the handler puts the appeal under supervision before
    (or without) the sweep's breach; it is listed under 督办 until it is handled."""
    return _press(appeal=appeal, actor=actor, note=note, kind=EventKind.SUPERVISED)


def appeal_return(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """退单: the handler sends it back to the dispatcher (wrong unit, not their matter)."""
    reason = _require_text(
        reason, _("Please say why you return it."), code="reason_required", max_length=300
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.DISPATCHED, Status.ACCEPTED))
        if not policies.may_handle(actor, fresh):
            raise PermissionDenied(_("This appeal is not assigned to you."))
        old = fresh.status
        fresh.status, fresh.assignee = Status.SUBMITTED, None
        fresh.return_count += 1
        _move(fresh, old, ("assignee", "return_count"))
        _settle_pending_extension(fresh, actor, "returned to the dispatcher")
        _event(
            fresh,
            EventKind.RETURNED,
            actor=actor,
            from_status=old,
            to_status=Status.SUBMITTED,
            message=reason,
        )
        _notify(_supervisors(fresh), "returned", _("Appeal %(number)s was returned"), reason, fresh)
    return fresh


def appeal_escalate(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """转办/上报 one level up: grid → community → street → district → city. The clocks keep
    running; the new unit signs for it again."""
    reason = _require_text(
        reason,
        _("Please say why it needs the level above."),
        code="reason_required",
        max_length=300,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.DISPATCHED, *HANDLING_STATUSES))
        if not (policies.may_handle(actor, fresh) or policies.may_dispatch(actor, fresh)):
            raise PermissionDenied(_("You may not escalate this appeal."))
        current = fresh.handling_region or fresh.community
        target = current.parent
        if current.level == RegionLevel.CITY or target is None:
            raise Conflict(
                _("The appeal is already handled at city level."), code="cannot_escalate"
            )
        role = policies.ESCALATION_ROLE[current.level]
        old = fresh.status
        fresh.handling_region, fresh.handling_role = target, role
        fresh.assignee = routing.least_busy(routing.holders(role, target))
        fresh.routing_reason = routing.escalation_reason(target, role, fresh.assignee, reason)
        fresh.status = Status.DISPATCHED
        fresh.escalation_count += 1
        fresh.dispatched_at = clock.now()
        _move(
            fresh,
            old,
            (
                "handling_region",
                "handling_role",
                "assignee",
                "routing_reason",
                "escalation_count",
                "dispatched_at",
            ),
        )
        _settle_pending_extension(fresh, actor, "escalated to another unit")
        _event(
            fresh,
            EventKind.ESCALATED,
            actor=actor,
            from_status=old,
            to_status=Status.DISPATCHED,
            visible=True,
            message=target.name,
            data={"from": current.code, "to": target.code, "reason": reason},
        )
        _notify(
            _handlers(fresh),
            "escalated",
            _("Appeal %(number)s escalated to you"),
            reason,
            fresh,
            sms=fresh.priority == Priority.RED,
        )
    return fresh


def appeal_extension_request(
    *, appeal: Appeal, actor: Any, working_days: int, reason: str
) -> Extension:
    reason = _require_text(
        reason, _("Please say why more time is needed."), code="reason_required", max_length=300
    )
    if not 1 <= int(working_days) <= 30:
        raise ValidationFailed(_("An extension is 1 to 30 working days."), code="invalid_days")
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, HANDLING_STATUSES)
        if not policies.may_handle(actor, fresh):
            raise PermissionDenied(_("This appeal is not assigned to you."))
        if selectors.pending_extension(appeal=fresh) is not None:
            raise Conflict(
                _("An extension request is already waiting for a decision."),
                code="extension_pending",
            )
        extension = Extension.objects.create(
            appeal=fresh, requested_by=actor, reason=reason, working_days=int(working_days)
        )
        _event(
            fresh,
            EventKind.EXTENSION_REQUESTED,
            actor=actor,
            message=reason,
            data={"working_days": int(working_days)},
        )
        _notify(
            _supervisors(fresh),
            "extension_requested",
            _("Extension requested for %(number)s"),
            reason,
            fresh,
        )
    return extension


def appeal_extension_decide(
    *, extension: Extension, actor: Any, approve: bool, note: str = ""
) -> Extension:
    """An approved extension sets a new resolution deadline; the original stays for the
    on-time figures."""
    with transaction.atomic():
        fresh = _locked(extension.appeal)
        if not policies.may_supervise(actor, fresh) or extension.requested_by_id == actor.pk:
            raise PermissionDenied(_("Only a supervisor may decide on extensions."))
        now = clock.now()
        decided = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
            decided_by=actor,
            decided_at=now,
            decision_note=note[:300],
        )
        if decided != 1:
            raise Conflict(_("This request has already been decided."), code="extension_decided")
        extension.refresh_from_db()
        if approve:
            _require_status(fresh, HANDLING_STATUSES)
            base = max(fresh.resolution_due_at, now)
            new_due = workdays.deadline_working_days(base, extension.working_days)
            Extension.objects.filter(pk=extension.pk).update(
                old_due_at=fresh.resolution_due_at, new_due_at=new_due
            )
            fresh.resolution_due_at = new_due
            fresh.resolution_urged_at = fresh.resolution_supervised_at = None
            fresh.extension_count += 1
            _move(
                fresh,
                fresh.status,
                (
                    "resolution_due_at",
                    "resolution_urged_at",
                    "resolution_supervised_at",
                    "extension_count",
                ),
            )
            _event(
                fresh,
                EventKind.EXTENSION_APPROVED,
                actor=actor,
                message=note,
                visible=True,
                data={"new_due_at": new_due.isoformat(), "working_days": extension.working_days},
            )
            _notify(
                _handlers(fresh) + _reporters(fresh),
                "extension_approved",
                _("More time for appeal %(number)s"),
                _("The new deadline is %(due)s."),
                fresh,
                due=new_due.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            )
        else:
            _event(fresh, EventKind.EXTENSION_REFUSED, actor=actor, message=note)
            _notify(
                _handlers(fresh),
                "extension_refused",
                _("Extension refused for %(number)s"),
                note or "—",
                fresh,
            )
    extension.refresh_from_db()
    return extension


def appeal_resolve(*, appeal: Appeal, actor: Any, reply: str) -> Appeal:
    """办结, with the answer the resident reads and rates."""
    reply = _require_text(
        reply, _("A reply to the resident is required to resolve."), code="reply_required"
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, HANDLING_STATUSES)
        if not policies.may_handle(actor, fresh):
            raise PermissionDenied(_("This appeal is not assigned to you."))
        old, now = fresh.status, clock.now()
        fresh.status, fresh.reply, fresh.resolved_at = Status.RESOLVED, reply, now
        if fresh.first_response_at is None:
            fresh.first_response_at = now
        _move(fresh, old, ("reply", "resolved_at", "first_response_at"))
        _settle_pending_extension(fresh, actor, "resolved")
        _event(
            fresh,
            EventKind.RESOLVED,
            actor=actor,
            from_status=old,
            to_status=Status.RESOLVED,
            message=reply,
            visible=True,
        )
        _notify_resolved(fresh, reply)
    return fresh


def appeal_follow_up(*, appeal: Appeal, actor: Any, note: str, reached: bool) -> AppealEvent:
    """回访: staff called or visited the resident after handling."""
    note = _require_text(note, _("Please note what the resident said."), code="note_required")
    if not (policies.may_handle(actor, appeal) or policies.may_dispatch(actor, appeal)):
        raise PermissionDenied(_("You may not record follow-ups for this appeal."))
    with transaction.atomic():
        return _event(
            appeal, EventKind.FOLLOW_UP, actor=actor, message=note, data={"reached": bool(reached)}
        )


def appeal_rate(
    *,
    appeal: Appeal,
    actor: Any,
    level: str,
    solved: bool,
    comment: str = "",
    tracking_code: str = "",
) -> Rating:
    """The resident rates the outcome. Satisfied closes it; unsatisfied goes to the
    supervisor, who may reopen it. With `tracking_code` (the link of the receipt) whoever
    holds the code rates for the resident, account or not."""
    if tracking_code:
        if not _tracking_code_matches(appeal, tracking_code):
            raise NotFound(_("No such appeal."), code="appeal_not_found")
        actor = appeal.submitter
    elif appeal.submitter_id != actor.pk:
        raise PermissionDenied(_("Only the resident who filed the appeal may rate it."))
    if level not in RatingLevel.values:
        raise ValidationFailed(_("Please choose how satisfied you are."), code="invalid_rating")
    if len(comment or "") > 500:
        raise ValidationFailed(
            _("The comment is longer than 500 characters."), code="text_too_long"
        )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.RESOLVED,))
        now = clock.now()
        rating = Rating.objects.create(
            appeal=fresh,
            rater=actor,
            level=level,
            solved=bool(solved),
            comment=(comment or "").strip(),
            created_at=now,
        )
        if level == RatingLevel.UNSATISFIED:
            fresh.status = Status.RATED
            _move(fresh, Status.RESOLVED, ())
            _event(
                fresh,
                EventKind.RATED,
                actor=actor,
                from_status=Status.RESOLVED,
                to_status=Status.RATED,
                visible=True,
                message=rating.comment,
                data={"level": level, "solved": bool(solved)},
            )
            _notify(
                _supervisors(fresh),
                "unsatisfied",
                _("Resident unsatisfied with %(number)s"),
                rating.comment or _("No comment."),
                fresh,
            )
        else:
            fresh.status, fresh.closure_reason, fresh.closed_at = (
                Status.CLOSED,
                ClosureReason.RATED,
                now,
            )
            _move(fresh, Status.RESOLVED, ("closure_reason", "closed_at"))
            _event(
                fresh,
                EventKind.RATED,
                actor=actor,
                from_status=Status.RESOLVED,
                to_status=Status.CLOSED,
                visible=True,
                message=rating.comment,
                data={"level": level, "solved": bool(solved)},
            )
    return rating


def appeal_reopen(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """重办: back to the handling unit with a fresh resolution clock; counts as a repeat."""
    reason = _require_text(
        reason, _("Please say why it is reopened."), code="reason_required", max_length=300
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.RATED, Status.CLOSED, Status.RESOLVED))
        if not policies.may_supervise(actor, fresh):
            raise PermissionDenied(_("Only a supervisor may reopen an appeal."))
        old, now = fresh.status, clock.now()
        deadlines = clocks.deadlines_for(
            priority=fresh.priority, category=fresh.category, received_at=now
        )
        fresh.status = Status.DISPATCHED
        fresh.closure_reason, fresh.closed_at, fresh.resolved_at = "", None, None
        fresh.resolution_due_at = deadlines.resolution_due_at
        fresh.resolution_urged_at = fresh.resolution_supervised_at = None
        fresh.reopen_count += 1
        fresh.is_repeat = True
        fresh.dispatched_at = now
        _move(
            fresh,
            old,
            (
                "closure_reason",
                "closed_at",
                "resolved_at",
                "resolution_due_at",
                "resolution_urged_at",
                "resolution_supervised_at",
                "reopen_count",
                "is_repeat",
                "dispatched_at",
            ),
        )
        _event(
            fresh,
            EventKind.REOPENED,
            actor=actor,
            from_status=old,
            to_status=Status.DISPATCHED,
            message=reason,
            visible=True,
        )
        _notify(_handlers(fresh), "reopened", _("Appeal %(number)s reopened"), reason, fresh)
        _notify(
            _reporters(fresh),
            "reopened",
            _("Your appeal %(number)s is being handled again"),
            reason,
            fresh,
        )
    return fresh


def appeal_close_after_review(*, appeal: Appeal, actor: Any, note: str) -> Appeal:
    note = _require_text(
        note, _("Please record the outcome of the review."), code="note_required", max_length=500
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.RATED,))
        if not policies.may_supervise(actor, fresh):
            raise PermissionDenied(_("Only a supervisor may close after review."))
        fresh.status, fresh.closure_reason, fresh.closed_at = (
            Status.CLOSED,
            ClosureReason.REVIEWED,
            clock.now(),
        )
        _move(fresh, Status.RATED, ("closure_reason", "closed_at"))
        _event(
            fresh,
            EventKind.CLOSED,
            actor=actor,
            from_status=Status.RATED,
            to_status=Status.CLOSED,
            message=note,
            visible=True,
        )
    return fresh


def appeal_reject(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """Not a valid appeal (spam, not a matter for this platform). The resident sees why."""
    reason = _require_text(
        reason,
        _("Please give the reason the resident will read."),
        code="reason_required",
        max_length=300,
    )
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED))
        if not policies.may_dispatch(actor, fresh):
            raise PermissionDenied(_("You may not reject this appeal."))
        old, now = fresh.status, clock.now()
        fresh.status, fresh.rejection_reason, fresh.closed_at = Status.REJECTED, reason, now
        _move(fresh, old, ("rejection_reason", "closed_at"))
        _settle_pending_extension(fresh, actor, "rejected")
        _event(
            fresh,
            EventKind.REJECTED,
            actor=actor,
            from_status=old,
            to_status=Status.REJECTED,
            message=reason,
            visible=True,
        )
        _notify(
            _reporters(fresh), "rejected", _("Appeal %(number)s was not accepted"), reason, fresh
        )
    return fresh


def appeal_merge(*, appeal: Appeal, master: Appeal, actor: Any) -> Appeal:
    """A duplicate joins its master: it follows the master's status and its reporter
    gets the master's feedback."""
    if appeal.pk == master.pk:
        raise ValidationFailed(_("An appeal cannot be merged into itself."), code="invalid_merge")
    if not (policies.may_dispatch(actor, appeal) and policies.may_dispatch(actor, master)):
        raise PermissionDenied(_("You may not merge these appeals."))
    with transaction.atomic():
        fresh = _locked(appeal)
        _require_status(fresh, OPEN_STATUSES)
        target = _locked(master)
        if target.status in FINAL_STATUSES or target.merged_into_id:
            raise Conflict(
                _("Merge into an appeal that is still being handled."), code="invalid_merge"
            )
        old, now = fresh.status, clock.now()
        fresh.status, fresh.merged_into, fresh.closed_at = Status.MERGED, target, now
        _move(fresh, old, ("merged_into", "closed_at"))
        _settle_pending_extension(fresh, actor, "merged into another appeal")
        Appeal.objects.filter(merged_into=fresh).update(merged_into=target)
        _event(
            fresh,
            EventKind.MERGED,
            actor=actor,
            from_status=old,
            to_status=Status.MERGED,
            visible=True,
            message=target.number or "",
            data={"master": target.number},
        )
        _event(target, EventKind.MERGED, actor=actor, data={"merged": fresh.number})
        _notify(
            _reporters(fresh),
            "merged",
            _("Appeal %(number)s joined a matter already being handled"),
            _("Other residents reported the same matter; you will hear about its progress."),
            fresh,
        )
    return fresh


def _require_scope(actor: Any, appeal: Appeal) -> None:
    if not selectors.appeals_in_scope(actor).filter(pk=appeal.pk).exists():
        raise NotFound(_("No such appeal."), code="appeal_not_found")


def _check_repeat_pair(appeal: Appeal, earlier: Appeal) -> None:
    if appeal.pk == earlier.pk:
        raise ValidationFailed(_("An appeal cannot be a repeat of itself."), code="invalid_repeat")
    # Checked before "same person", and whatever the filers are: an answer that depends
    # on who filed an anonymous appeal would tell staff who did (rule 1).
    if appeal.is_anonymous or earlier.is_anonymous:
        raise ValidationFailed(
            _("Anonymous appeals are not marked as repeats: the link would show who filed them."),
            code="anonymous_repeat",
        )
    if not policies.person_linkable(appeal) or appeal.submitter_id != earlier.submitter_id:
        raise ValidationFailed(
            _("A repeat is the same person's matter; these appeals come from different people."),
            code="not_same_person",
        )
    if earlier.status in (Status.REJECTED, Status.MERGED) or appeal.status in (
        Status.REJECTED,
        Status.MERGED,
    ):
        raise ValidationFailed(
            _("Appeals rejected as invalid or merged into another are not repeats."),
            code="invalid_repeat",
        )
    if (earlier.received_at, earlier.pk) >= (appeal.received_at, appeal.pk):
        raise ValidationFailed(
            _("Choose an appeal received before this one."), code="invalid_repeat"
        )
    if appeal.received_at - earlier.received_at > dt.timedelta(days=settings.APPEAL_REPEAT_DAYS):
        raise ValidationFailed(
            _("A repeat is raised within %(days)d days of the earlier appeal.")
            % {"days": settings.APPEAL_REPEAT_DAYS},
            code="repeat_too_late",
        )


def appeal_mark_repeat(*, appeal: Appeal, earlier: Appeal, actor: Any, note: str = "") -> Appeal:
    """重复件 by hand: the similarity check misses paraphrases of one complaint. Staff
    with both appeals in scope link a person's appeal to their earlier one (30 days);
    the repeat rate follows through the event, as for an automatic mark."""
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_("The note is longer than 300 characters."), code="text_too_long")
    if not account_selectors.user_is_staff_member(actor):
        raise PermissionDenied(_("Only staff may mark repeats."), code="permission_denied")
    _require_scope(actor, appeal)
    _require_scope(actor, earlier)
    with transaction.atomic():
        fresh = _locked(appeal)
        earlier = Appeal.objects.get(pk=earlier.pk)
        _check_repeat_pair(fresh, earlier)
        if fresh.repeat_of_id is not None:
            raise Conflict(
                _("This appeal is already marked as a repeat; remove that mark first."),
                code="already_repeat",
            )
        updated = Appeal.objects.filter(pk=fresh.pk, repeat_of__isnull=True).update(
            is_repeat=True, repeat_of=earlier
        )
        if updated != 1:
            raise Conflict(_("The appeal changed meanwhile; please reload."), code="stale")
        fresh.is_repeat, fresh.repeat_of = True, earlier
        _event(
            fresh,
            EventKind.REPEAT_MARKED,
            actor=actor,
            message=note,
            data={"repeat_of": earlier.number, "manual": True},
        )
    return fresh


def appeal_unmark_repeat(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """Undo a repeat link, automatic or by hand, with the reason kept in the history. A
    reopened appeal stays a repeat (reopening is a repeat by the counting rules)."""
    reason = _require_text(
        reason, _("Please say why it is not a repeat."), code="reason_required", max_length=300
    )
    if not account_selectors.user_is_staff_member(actor):
        raise PermissionDenied(_("Only staff may mark repeats."), code="permission_denied")
    _require_scope(actor, appeal)
    with transaction.atomic():
        fresh = _locked(appeal)
        if fresh.repeat_of_id is None:
            raise Conflict(_("This appeal is not linked as a repeat."), code="not_repeat")
        earlier_number = (
            Appeal.objects.filter(pk=fresh.repeat_of_id).values_list("number", flat=True).first()
        )
        still_repeat = fresh.reopen_count > 0
        updated = Appeal.objects.filter(pk=fresh.pk, repeat_of=fresh.repeat_of_id).update(
            is_repeat=still_repeat, repeat_of=None
        )
        if updated != 1:
            raise Conflict(_("The appeal changed meanwhile; please reload."), code="stale")
        fresh.is_repeat, fresh.repeat_of = still_repeat, None
        data = {} if fresh.is_anonymous else {"repeat_of": earlier_number}
        _event(fresh, EventKind.REPEAT_UNMARKED, actor=actor, message=reason, data=data)
    return fresh


def appeal_reveal_submitter(
    *, appeal: Appeal, actor: Any, reason: str, ip: str | None = None
) -> dict[str, str]:
    """Who filed an anonymous appeal: only for an explicitly privileged role, with a
    reason, written to the sensitive-access log and the appeal's internal history."""
    if not policies.may_reveal_submitter(actor):
        raise PermissionDenied(
            _("Your role may not reveal anonymous submitters."), code="reveal_denied"
        )
    reason = _require_text(
        reason, _("Please say why you need to know."), code="reason_required", max_length=200
    )
    if len(reason) < 4:
        raise ValidationFailed(_("Please say why you need to know."), code="reason_required")
    with transaction.atomic():
        sensitive_access_record(
            actor=actor, subject=appeal, field="submitter", reason=reason, ip=ip
        )
        _event(appeal, EventKind.SUBMITTER_REVEALED, actor=actor, message=reason)
    submitter = appeal.submitter
    return {
        "name": submitter.display_name if submitter else "",
        "phone": submitter.phone if submitter else "",
    }


# --- the sweep -------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    urged: int = 0
    supervised: int = 0
    closed_unrated: int = 0
    checked: int = 0


def appeals_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> SweepReport:
    """催办 before a deadline and 督办 on breach, then close appeals left unrated. Looks only
    at appeals whose next_check_at has come (an index range), so it costs what is due,
    not what is open. Idempotent: each milestone is stamped once."""
    now = now or clock.now()
    report = SweepReport()
    while True:
        with transaction.atomic():
            due = list(
                Appeal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_check_at__lte=now)
                .select_related(
                    "community__parent", "handling_region__parent", "assignee", "submitter"
                )
                .order_by("next_check_at")[:batch]
            )
            for appeal in due:
                report.checked += 1
                _sweep_one(appeal, now, report)
        if len(due) < batch:
            break
    report.closed_unrated = _close_unrated(now)
    return report


def _sweep_one(appeal: Appeal, now: dt.datetime, report: SweepReport) -> None:
    milestones = clocks.due_milestones(appeal, now)
    changed: list[str] = []
    for milestone in milestones:
        clock_name, action = milestone.split("_")
        due_at = appeal.response_due_at if clock_name == "response" else appeal.resolution_due_at
        data = {"clock": clock_name, "due_at": due_at.isoformat()}
        if action == "urge":
            setattr(appeal, f"{clock_name}_urged_at", now)
            changed.append(f"{clock_name}_urged_at")
            _event(appeal, EventKind.URGED, data=data, at=now)
            _notify(
                _handlers(appeal),
                "urged",
                _("Reminder: appeal %(number)s is due soon"),
                _("Deadline %(due)s."),
                appeal,
                due=due_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M"),
            )
            report.urged += 1
        else:
            setattr(appeal, f"{clock_name}_supervised_at", now)
            changed.append(f"{clock_name}_supervised_at")
            if getattr(appeal, f"{clock_name}_urged_at") is None:
                setattr(appeal, f"{clock_name}_urged_at", now)
                changed.append(f"{clock_name}_urged_at")
            _event(appeal, EventKind.SUPERVISED, data=data, at=now)
            _notify(
                _supervisors(appeal) + _handlers(appeal),
                "supervised",
                _("Overdue: appeal %(number)s"),
                _("The deadline %(due)s has passed; please supervise its handling."),
                appeal,
                due=due_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M"),
            )
            report.supervised += 1
    old_check = appeal.next_check_at
    clocks.refresh(appeal)
    Appeal.objects.filter(pk=appeal.pk, next_check_at=old_check).update(
        next_check_at=appeal.next_check_at, **{name: getattr(appeal, name) for name in changed}
    )


def _close_unrated(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=settings.APPEAL_RATING_DAYS)
    closed = 0
    for appeal in Appeal.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).order_by(
        "resolved_at"
    )[:1000]:
        with transaction.atomic():
            updated = Appeal.objects.filter(pk=appeal.pk, status=Status.RESOLVED).update(
                status=Status.CLOSED, closure_reason=ClosureReason.NOT_RATED, closed_at=now
            )
            if updated:
                _event(
                    appeal,
                    EventKind.CLOSED,
                    from_status=Status.RESOLVED,
                    to_status=Status.CLOSED,
                    visible=True,
                    data={"closure": ClosureReason.NOT_RATED},
                    at=now,
                )
                closed += 1
    return closed


# --- mediation --------------------------------------------------------------------------------------


MEDIATION_CATEGORIES = (Category.NEIGHBOR, Category.PROPERTY, Category.GROUP_CONFLICT)


def mediation_start(
    *, appeal: Appeal, actor: Any, mediator: Any, parties: list[tuple[str, str, str]]
) -> Mediation:
    """Start 调解 with its parties (name, side, phone). The mediator may be staff, a
    volunteer or a professional."""
    if appeal.category not in MEDIATION_CATEGORIES:
        raise ValidationFailed(
            _("Mediation is for neighbour, property and collective disputes."), code="not_mediable"
        )
    if not (policies.may_handle(actor, appeal) or policies.may_dispatch(actor, appeal)):
        raise PermissionDenied(_("You may not start a mediation for this appeal."))
    if appeal.status not in (*HANDLING_STATUSES, Status.DISPATCHED):
        raise Conflict(
            _("Mediation starts while the appeal is being handled."), code="wrong_status"
        )
    if len(parties) < 2:
        raise ValidationFailed(
            _("A mediation needs at least two parties."), code="parties_required"
        )
    clean = []
    for name, side, phone in parties:
        name = _require_text(
            name, _("Each party needs a name."), code="party_name_required", max_length=64
        )
        clean.append(
            (
                name,
                (side or "").strip()[:64],
                normalize_mobile(phone) if (phone or "").strip() else "",
            )
        )
    with transaction.atomic():
        mediation = Mediation.objects.create(
            appeal=appeal, mediator=mediator, started_by=actor, started_at=clock.now()
        )
        for name, side, phone in clean:
            MediationParty.objects.create(mediation=mediation, name=name, side=side, phone=phone)
        _event(
            appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "started", "mediator": mediator.pk},
        )
    return mediation


def mediation_session_add(
    *, mediation: Mediation, actor: Any, held_at: dt.datetime, place: str, notes: str
) -> MediationSession:
    if mediation.concluded_at is not None:
        raise Conflict(_("This mediation has concluded."), code="mediation_concluded")
    if actor.pk != mediation.mediator_id and not policies.may_dispatch(actor, mediation.appeal):
        raise PermissionDenied(_("Only the mediator may record sessions."))
    with transaction.atomic():
        session = MediationSession.objects.create(
            mediation=mediation,
            held_at=held_at,
            place=place.strip()[:200],
            notes=(notes or "").strip(),
            recorded_by=actor,
        )
        _event(
            mediation.appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "session"},
        )
    return session


def mediation_conclude(
    *, mediation: Mediation, actor: Any, outcome: str, agreement_text: str = ""
) -> Mediation:
    if outcome not in MediationOutcome.values:
        raise ValidationFailed(_("Unknown outcome."), code="invalid_outcome")
    if outcome == MediationOutcome.AGREEMENT:
        agreement_text = _require_text(
            agreement_text, _("Please record the agreement."), code="agreement_required"
        )
    if actor.pk != mediation.mediator_id and not policies.may_dispatch(actor, mediation.appeal):
        raise PermissionDenied(_("Only the mediator may conclude the mediation."))
    with transaction.atomic():
        now = clock.now()
        updated = Mediation.objects.filter(pk=mediation.pk, concluded_at__isnull=True).update(
            outcome=outcome, agreement_text=(agreement_text or "").strip(), concluded_at=now
        )
        if updated != 1:
            raise Conflict(_("This mediation has concluded."), code="mediation_concluded")
        _event(
            mediation.appeal,
            EventKind.MEDIATION,
            actor=actor,
            data={"mediation": mediation.pk, "action": "concluded", "outcome": outcome},
        )
    mediation.refresh_from_db()
    return mediation
