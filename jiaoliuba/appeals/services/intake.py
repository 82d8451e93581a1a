"""Intake: a new appeal (web, app, desk, guest), joining an existing one, and the
resident a desk worker enters on someone's behalf."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import (
    clocks,
    policies,
    risk,
    routing,
    rulebook,
    selectors,
    similarity,
    tracking,
    transitions,
)
from jiaoliuba.appeals.choices import (
    OPEN_STATUSES,
    AttachmentKind,
    Category,
    Channel,
    EventKind,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealBand,
    AppealEvent,
    Attachment,
    IdempotencyRecord,
)
from jiaoliuba.appeals.services._common import _event, _event_row, _locked
from jiaoliuba.appeals.services.dispatch import (
    _dispatch_event,
    _notify_dispatched,
    _notify_dispatched_extra,
)
from jiaoliuba.appeals.services.notices import _send_receipt
from jiaoliuba.appeals.services.risk_alerts import appeal_risk_check
from jiaoliuba.appeals.uploads import CleanFile
from jiaoliuba.core import clock, rawsql
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.core.idempotency import clean_key
from jiaoliuba.core.validators import normalize_mobile
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.triage import classifier

logger = logging.getLogger(__name__)
# Follow-ups read per query by the worker's queue (appeal_follow_ups_run).
FOLLOW_UP_BATCH = 50


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
            lazy_format(
                _("The description is longer than %(n)s characters."),
                {"n": settings.APPEAL_MAX_TEXT},
            ),
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
            lazy_format(_("At most %(n)s photos."), {"n": settings.APPEAL_MAX_IMAGES}),
            code="too_many_files",
        )
    if kinds.count(AttachmentKind.AUDIO) > 1 or kinds.count(AttachmentKind.VIDEO) > 1:
        raise ValidationFailed(_("At most one voice clip and one video."), code="too_many_files")
    phone = normalize_mobile(intake.contact_phone) if intake.contact_phone.strip() else ""
    return community, grid, phone


# The intake's writes as SQL built once (core.rawsql: the ORM's own values, no compiling
# per call); a later change of these models' save() or signals is refused there.
_APPEALS = rawsql.Inserter(Appeal, keyed=True)
_KEYS = rawsql.Inserter(IdempotencyRecord)
_EVENTS = rawsql.Inserter(AppealEvent)


def _numbered(appeal: Appeal) -> None:
    """The appeal's key, reserved, and its number made from it (the day it was received
    in Beijing time and the key): the row is then written whole by one INSERT. Inside
    the intake's transaction (SQLite reserves under its write lock)."""
    appeal.pk = rawsql.next_id(Appeal)
    appeal.number = f"{appeal.received_at.astimezone(clock.SHANGHAI):%Y%m%d}{appeal.pk:06d}"


def _find_repeat(appeal: Appeal) -> Appeal | None:
    """The same resident and matter within 30 days: same category and similar text."""
    if not policies.person_linkable(appeal) or appeal.submitter_id is None:
        return None
    # Only what the comparison and the repeat link read (the phone column is decrypted
    # on load, twenty times for a resident who writes often).
    candidates = selectors.recent_same_category(
        submitter_id=appeal.submitter_id,
        before=appeal.received_at,
        days=settings.APPEAL_REPEAT_DAYS,
        category=appeal.category,
        limit=21,  # one more, for the appeal itself when it is already stored
    )
    grams = similarity.shingles(appeal.content)
    compared = 0
    for other in candidates:  # made one by one: the first similar one is the answer
        if other.pk == appeal.pk:
            continue
        if compared == 20:
            break
        compared += 1
        if similarity.jaccard(grams, similarity.shingles(other.content)) >= 0.3:
            return other
    return None


def _idempotent_replay(owner: str, key: str) -> Appeal | None:
    found = IdempotencyRecord.objects.filter(owner=owner, key=key).values_list("appeal_id")[:1]
    return Appeal.objects.get(pk=found[0][0]) if found else None


def _same_appeal_or_conflict(first: Appeal, again: Appeal) -> None:
    """A retry carries the text it first carried. A key sent again with another text is a
    client's mistake, not a retry: answering 200 with the first appeal would drop the new
    text without a word. It is a 409: nothing is stored, and the client, which still holds
    the text, can send it with a new key."""
    if first.content != again.content:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for another appeal; send this one with a new key."
            ),
            code="idempotency_key_reused",
        )


def _remember_related(appeal: Appeal, attachments: list[Attachment]) -> None:
    """A new appeal has no ratings and exactly these attachments: say so, so that the
    answer built from it (presenters.appeal_dict) reads them without a query."""
    cached = {}
    for name, rows in (("ratings", []), ("attachments", attachments)):
        # A bare queryset of the related model: the manager's .all() would first build
        # the relation's filter, which nothing reads once the rows are in place.
        related: Any = Appeal._meta.get_field(name).related_model
        queryset: Any = QuerySet(model=related)
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cached[name] = queryset
    setattr(appeal, "_prefetched_objects_cache", cached)  # noqa: B010  (Django's own slot)


def appeal_submit(
    *,
    submitter: User | None,
    intake: Intake,
    files: list[CleanFile] | None = None,
    created_by: User | None = None,
    idempotency_key: str = "",
) -> tuple[Appeal, bool]:
    """File an appeal (online by a resident, or offline by staff for one). Returns
    (appeal, created); a retry with the same Idempotency-Key returns the first appeal.

    Everything that decides the row (triage, deadlines, the repeat link, the route) is
    read before the write, so the transaction is the key reserved, one insert (the
    number made from the key goes in with it) and the events in one statement; the write
    lock (SQLite's is the whole database) is held for those alone. The rest (similarity
    bands, notifications, risk detection) is done by `appeal_intake_follow_up` in the
    worker: the appeal's own `follow_up` column says it is due, so it commits with the
    appeal and is done even if the worker was down when the appeal came in
    (`appeal_follow_ups_run`). The appeal returned is the one in memory, complete with
    its attachments."""
    files = files or []
    owner = str(submitter.pk) if submitter is not None else ""
    if created_by is not None:
        owner = f"staff:{created_by.pk}"
    # A replay is told by the key's unique row (see the transaction below): retries are
    # rare, so the first attempt is spared a look-up of its own.
    key = clean_key(idempotency_key)
    community, grid, phone = _validate_intake(intake, files)
    now = clock.now()
    received_at = intake.received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(
            _("The time received cannot be in the future."), code="invalid_received_at"
        )
    verdict = classifier.classify(text=intake.content, type_hint=intake.type_hint)
    book = rulebook.get()
    deadlines = clocks.deadlines_for(
        priority=verdict.priority, category=verdict.category, received_at=received_at, book=book
    )
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
    repeat = _find_repeat(appeal)
    if repeat is not None:
        appeal.is_repeat, appeal.repeat_of = True, repeat
    # Dispatch as the transition table allows it from the status the appeal is born in.
    transitions.require(appeal, "dispatch")
    route = routing.route(appeal, book)
    dispatched_at = clock.now()
    appeal.handling_region, appeal.handling_role, appeal.assignee = (
        route.region,
        route.role,
        route.assignee,
    )
    appeal.routing_reason = route.reason[:200]
    appeal.dispatched_at = dispatched_at
    appeal.status = Status.DISPATCHED
    appeal.follow_up = {"notify": route.notify_ids}
    clocks.refresh(appeal)
    stored: list[str] = []
    attachments: list[Attachment] = []
    try:
        with transaction.atomic():
            _numbered(appeal)
            _APPEALS.insert(appeal)
            if key:
                # The key's row is unique per owner: a retry of an appeal already filed
                # fails here (on PostgreSQL a retry racing its original waits here for
                # it), rolls back and answers with the first appeal (below).
                _KEYS.insert(IdempotencyRecord(owner=owner, key=key, appeal=appeal))
            for clean in files:
                attachment = Attachment.objects.create(
                    appeal=appeal,
                    kind=clean.kind,
                    file=clean.content,
                    content_type=clean.content_type,
                    size=clean.size,
                )
                stored.append(attachment.file.name)
                attachments.append(attachment)
            events = [
                _event_row(
                    appeal,
                    EventKind.SUBMITTED,
                    actor=created_by or submitter,
                    to_status=Status.SUBMITTED,
                    visible=True,
                    at=received_at,
                    data={"channel": appeal.channel},
                ),
                _event_row(
                    appeal,
                    EventKind.TRIAGED,
                    data={
                        "priority": verdict.priority,
                        "category": verdict.category,
                        "confidence": verdict.confidence,
                        "reasons": verdict.reasons,
                    },
                    at=now,
                ),
            ]
            if repeat is not None:
                events.append(
                    _event_row(
                        appeal,
                        EventKind.REPEAT_MARKED,
                        data={"repeat_of": repeat.number},
                        at=dispatched_at,
                    )
                )
            events.append(
                _dispatch_event(
                    appeal,
                    actor=None,
                    from_status=Status.SUBMITTED,
                    region=route.region,
                    role=route.role,
                    assignee=route.assignee,
                    reason=route.reason,
                    previous=None,
                    at=dispatched_at,
                )
            )
            _EVENTS.insert(*events)
    except BaseException as exc:
        # The rows rolled back; the files written to storage must go too.
        for name in stored:
            default_storage.delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        if key:
            replay = _idempotent_replay(owner, key)
            if replay is not None:  # the first attempt, or a concurrent retry, won
                _same_appeal_or_conflict(replay, appeal)
                return replay, False
        raise
    _remember_related(appeal, attachments)
    return appeal, True


def _follow_ups_due_query() -> QuerySet[Appeal]:
    return Appeal.objects.filter(follow_up__isnull=False).order_by("id")


def _follow_ups_due(limit: int) -> list[tuple[int, Any]]:
    return list(_follow_ups_due_query().values_list("id", "follow_up")[:limit])


def appeal_follow_ups_due() -> int:
    """How many new appeals still wait for their follow-up (the benches' drain check)."""
    return _follow_ups_due_query().count()


def appeal_follow_ups_run(*, batch: int = FOLLOW_UP_BATCH, limit: int | None = None) -> int:
    """The worker's queue of new appeals, oldest first: run each one's follow-up, then
    clear its `follow_up`. Returns how many were cleared.

    The follow-up is cleared only after it ran, so a worker that dies half-way leaves it
    due and the next one runs it again; `appeal_intake_follow_up` tells nobody twice (its
    bands are its mark, checked under the appeal's lock). A follow-up that raises is
    handed to the task queue as an `intake_follow_up` row in the same transaction as the
    clearing: it is tried once more there, and a second failure stays on record with its
    traceback instead of being retried here every second."""
    done = 0
    left = limit
    while due := _follow_ups_due(batch if left is None else min(batch, left)):
        if left is not None:
            left -= len(due)
        for appeal_id, follow_up in due:
            notify = list((follow_up or {}).get("notify") or [])
            failed = False
            try:
                appeal_intake_follow_up(appeal_id=appeal_id, also_notify=notify)
            except Exception:
                logger.exception(
                    "follow-up of appeal %s failed; handed to the task queue", appeal_id
                )
                failed = True
            with transaction.atomic():
                cleared = Appeal.objects.filter(pk=appeal_id, follow_up__isnull=False).update(
                    follow_up=None
                )
                if failed and cleared:
                    _enqueue_follow_up(appeal_id, notify)
            done += cleared
        if len(due) < batch or left == 0:
            break
    return done


def _enqueue_follow_up(appeal_id: int, also_notify: list[int]) -> None:
    from jiaoliuba.appeals.tasks import intake_follow_up  # noqa: PLC0415 — tasks.py imports services (a real cycle)

    intake_follow_up.enqueue(appeal_id, also_notify)


def _enqueue_risk_check(appeal_id: int) -> None:
    from jiaoliuba.appeals.tasks import risk_check  # noqa: PLC0415 — tasks.py imports services (a real cycle)

    risk_check.enqueue(appeal_id)


def appeal_intake_follow_up(*, appeal_id: int, also_notify: list[int] | None = None) -> bool:
    """The work a new appeal needs that its resident need not wait for: index its text for
    similar-appeal look-ups, tell its handlers (and, for a red one, the people the route
    named) and the resident (receipt), then run the risk detectors. Returns whether the
    appeal was found."""
    appeal = (
        Appeal.objects.select_related("community", "handling_region", "assignee", "submitter")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        return False
    extra = list(get_user_model().objects.filter(pk__in=also_notify or [], is_active=True))
    with transaction.atomic():
        # Two workers may take the same follow-up (a retry beside a slow first run): the
        # appeal's lock puts the second behind the first, which then finds its mark.
        list(Appeal.objects.select_for_update().filter(pk=appeal.pk).values_list("pk"))
        if AppealBand.objects.filter(appeal=appeal).exists():
            return True  # done already (its bands are its mark): tell nobody twice
        risk.index_appeal(appeal)
        if appeal.status == Status.DISPATCHED:
            # A person who moved it on meanwhile (accepted, re-dispatched) told whom it
            # concerned; the routing's notice would now be wrong.
            _notify_dispatched(appeal, extra)
        elif extra:
            _notify_dispatched_extra(appeal, extra)
        _send_receipt(appeal)
    appeal_risk_check(appeal_id=appeal.pk)
    return True


def appeal_join(*, master: Appeal, resident: User, note: str = "") -> Appeal:
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
        _numbered(appeal)
        appeal.save(force_insert=True)
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


def staff_intake_submitter(*, phone: str, name: str = "", community: Region | None = None) -> Any:
    """For desk entry: the resident with this number, registered now if new."""
    phone = normalize_mobile(phone)
    user = account_selectors.user_by_phone(phone=phone)
    if user is None:
        user = account_services.resident_register(
            phone=phone, display_name=name, community=community
        )
    return user
