"""Reserving, the waiting list, cancelling, checking in, no-shows and ratings.

No overbooking: a seat is taken by one compare-and-set UPDATE of the session's counter
(`seats_taken + n <= capacity`), under the session's row lock, so any number of people
racing for the last seats get exactly the capacity. A freed seat goes to the head of the
waiting list in the same transaction as the cancellation, so it is given exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import VerificationStatus
from jiaoliuba.accounts.selectors import resident_of
from jiaoliuba.bookings import conf, policies, transitions
from jiaoliuba.bookings.choices import (
    ActKind,
    BookingEventKind,
    BookingStatus,
    CheckInMethod,
    Eligibility,
    Satisfaction,
    SessionStatus,
)
from jiaoliuba.bookings.models import Booking, Restriction, Session
from jiaoliuba.bookings.services._common import (
    _act,
    _act_remove,
    _event,
    _locked_session,
    _notify,
)
from jiaoliuba.bookings.services.price import booking_charge, booking_refund
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    lazy_format,
)
from jiaoliuba.core.writes import write_transaction
from jiaoliuba.points.choices import Act
from jiaoliuba.points.services import points_award

FEEDBACK_MAX = 1000
_CHECK_IN_SALT = "bookings.check_in"


def remind_time(session: Session, now: dt.datetime) -> dt.datetime | None:
    """The day before the session at BOOKING_REMIND_HOUR; None when that has passed
    (a booking made that late needs no reminder)."""
    day_before = session.day - dt.timedelta(days=1)
    moment = dt.datetime.combine(day_before, dt.time(conf.REMIND_HOUR()), tzinfo=SHANGHAI)
    return moment if moment > now else None


def active_restriction(user: Any, now: dt.datetime | None = None) -> Restriction | None:
    now = now or clock.now()
    return (
        Restriction.objects.filter(
            user_id=getattr(user, "pk", 0), ends_at__gt=now, lifted_at__isnull=True
        )
        .order_by("-ends_at")
        .first()
    )


def _age_on(id_number: str, day: dt.date) -> int | None:
    """Age from a mainland ID number (birth date in digits 7–14); None if unreadable."""
    digits = (id_number or "").strip()
    if len(digits) != 18:
        return None
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_eligible(person: Any, session: Session, attendee: str, *, confirmed: bool) -> None:
    rule = session.service.eligibility
    if rule == Eligibility.EVERYONE or confirmed:
        return
    resident = resident_of(person)
    if rule == Eligibility.VERIFIED:
        if resident is None or resident.verification_status != VerificationStatus.VERIFIED:
            raise PermissionDenied(
                _("This service is for verified residents. Ask community staff to verify you."),
                code="not_verified",
            )
    elif rule == Eligibility.AGE_60:
        age = _age_on(resident.id_number if resident else "", session.day)
        if age is None:
            raise PermissionDenied(
                _(
                    "This service is for residents aged 60 and over, and your age is not on "
                    "record. Please book at the community desk."
                ),
                code="age_unknown",
            )
        if age < 60:
            raise PermissionDenied(
                _("This service is for residents aged 60 and over."), code="too_young"
            )
    elif rule == Eligibility.CHILD_WITH_GUARDIAN and not attendee.strip():
        raise ValidationFailed(
            _("Please give the name of the child you are booking for."), code="attendee_required"
        )


def _check_window(session: Session, now: dt.datetime) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(
            lazy_format(
                _("This session is “%(status)s” and cannot be booked."),
                {"status": session.get_status_display()},
            ),
            code="session_not_open",
        )
    if now < session.opens_at:
        raise ValidationFailed(
            lazy_format(
                _("Booking opens at %(when)s."),
                {"when": session.opens_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")},
            ),
            code="booking_not_open",
        )
    if now >= session.closes_at:
        raise ValidationFailed(_("Booking for this session has closed."), code="booking_closed")


def booking_reserve(
    *,
    actor: Any,
    session: Session,
    resident: Any = None,
    seats: int = 1,
    attendee: str = "",
    eligibility_confirmed: bool = False,
) -> Booking:
    """Book a seat, or a place on the waiting list when the session is full. Staff at the
    desk book for `resident` (an elderly resident without a phone) and may confirm an
    eligibility the record cannot show (age)."""
    desk = resident is not None and resident.pk != getattr(actor, "pk", None)
    person = resident if desk else actor
    session = Session.objects.select_related("service__expert").get(pk=session.pk)
    if desk:
        if not transitions.SESSION_TRANSITIONS.permits("desk_book", actor, session):
            raise PermissionDenied(
                _("Only staff running this session can book for a resident."), code="not_desk"
            )
        if resident_of(person) is None:
            raise ValidationFailed(
                _("That person is not a registered resident."), code="not_resident"
            )
    elif not policies.offered_to(actor, session.region_path):
        raise NotFound(_("No such session."), code="session_not_found")
    max_seats = session.service.max_seats
    if not 1 <= seats <= max_seats:
        raise ValidationFailed(
            lazy_format(_("You can book between 1 and %(n)s seats."), {"n": max_seats}),
            code="seats_invalid",
        )
    attendee = (attendee or "").strip()[:64]
    _check_eligible(person, session, attendee, confirmed=desk and eligibility_confirmed)
    now = clock.now()
    restriction = None if desk else active_restriction(person, now)
    if restriction is not None:
        raise PermissionDenied(
            lazy_format(
                _("You cannot book until %(until)s: %(reason)s"),
                {
                    "until": restriction.ends_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                    "reason": restriction.reason,
                },
            ),
            code="booking_restricted",
        )
    _check_window(session, now)
    # Everything that only reads is done before the write transaction: on SQLite it holds
    # the lock of the whole database, so every statement and every bit of Python in it
    # makes the queue behind it longer.
    home = policies.home_path(person)
    remind_at = remind_time(session, now)
    # No lock first: the UPDATE below is the only statement that waits for the session
    # row. When the session is full it matches nothing and takes no lock, so the rush
    # onto the waiting list runs side by side instead of in single file (PostgreSQL).
    locked = session
    with write_transaction():
        taken = Session.objects.filter(
            pk=locked.pk,
            status=SessionStatus.SCHEDULED,
            seats_taken__lte=F("capacity") - seats,
        ).update(seats_taken=F("seats_taken") + seats)
        status = BookingStatus.RESERVED if taken else BookingStatus.WAITLISTED
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    session=locked,
                    resident=person,
                    resident_path=home,
                    seats=seats,
                    attendee=attendee,
                    status=status,
                    booked_by=actor,
                    at_desk=desk,
                    remind_at=remind_at if taken else None,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                _("You already have a booking for this session."), code="already_booked"
            ) from None
        booking.session = locked
        booking_charge(booking, locked)  # a points price: too few points undoes it all
        _event(
            booking,
            BookingEventKind.RESERVED if taken else BookingEventKind.WAITLISTED,
            actor=actor,
            to_status=status,
            data={"seats": seats, "desk": desk},
        )
        if taken:
            _act(person, ActKind.BOOKED, locked, home=home)
            _notify(
                [person],
                "reserved",
                _("Booked: %(title)s"),
                _("%(when)s. Please come on time; cancel in advance if you cannot."),
                booking,
                channels=("sms",) if desk else (),
            )
            return booking
        _notify(
            [person],
            "waitlisted",
            _("On the waiting list: %(title)s"),
            _("%(when)s. We will tell you as soon as a seat frees up."),
            booking,
        )
        fresh = Session.objects.get(pk=locked.pk)
        _check_window(fresh, now)  # called off meanwhile: 409, nothing kept
        if fresh.capacity - fresh.seats_taken >= seats:
            # A seat freed between our UPDATE and now, while we were not on the list
            # yet: under the lock, the list (us included) gets it as usual.
            _locked_session(locked.pk)
            _promote(locked.pk, now)
            booking.refresh_from_db()
    return booking


def _locked_booking(booking: Booking) -> tuple[Booking, Session]:
    session = _locked_session(booking.session_id)
    fresh = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resident")
        .get(pk=booking.pk)
    )
    fresh.session = session
    return fresh, session


def _move(booking: Booking, old: str, new: str, **fields: Any) -> None:
    """Compare-and-set of the status (and `fields`)."""
    now = clock.now()
    updated = Booking.objects.filter(pk=booking.pk, status=old).update(
        status=new, updated_at=now, **fields
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this booking a moment ago. Please reload."),
            code="stale_booking",
        )
    booking.status = new
    for name, value in fields.items():
        setattr(booking, name, value)


def _require(action: str, actor: Any, booking: Booking) -> None:
    transitions.require(booking, action)
    if not transitions.permits(action, actor, booking):
        raise PermissionDenied(_("You may not do that to this booking."), code="not_allowed")


def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    """Cancel a booking; its seat goes to the head of the waiting list at once."""
    with write_transaction():
        fresh, session = _locked_booking(booking)
        _require("cancel", actor, fresh)
        if not transitions.guard_allows("cancel", fresh):
            raise Conflict(_("The session has already started."), code="session_started")
        now = clock.now()
        is_owner = fresh.resident_id == actor.pk
        # Past the deadline a resident calls the community; staff may still cancel.
        late = fresh.status == BookingStatus.RESERVED and now > session.cancel_until
        if late and is_owner and not policies.manages(actor, session.region_path):
            raise ValidationFailed(
                lazy_format(
                    _(
                        "Cancellation closed at %(when)s. Please call the community if you cannot come."
                    ),
                    {"when": session.cancel_until.astimezone(SHANGHAI).strftime("%m-%d %H:%M")},
                ),
                code="cancel_deadline_passed",
            )
        old = fresh.status
        _move(fresh, old, BookingStatus.CANCELLED, remind_at=None)
        if not late:  # in time (or only waiting): the points price comes back
            booking_refund(fresh, session, actor=actor)
        _event(
            fresh,
            BookingEventKind.CANCELLED,
            actor=actor,
            from_status=old,
            to_status=BookingStatus.CANCELLED,
        )
        if old == BookingStatus.RESERVED:
            Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - fresh.seats)
            _act_remove(fresh.resident_id, ActKind.BOOKED, session)
            _promote(session.pk, now)
        if not is_owner:
            _notify(
                [fresh.resident],
                "cancelled",
                _("Booking cancelled: %(title)s"),
                _("%(when)s. Community staff cancelled your booking."),
                fresh,
                channels=("sms",),
            )
    return fresh


def _promote(session_id: int, now: dt.datetime) -> int:
    """Give free seats to the waiting list, first come first served, under the session
    lock the caller holds. Returns how many were promoted."""
    session = Session.objects.select_related("service__expert").get(pk=session_id)
    if session.status != SessionStatus.SCHEDULED or now >= session.starts_at:
        return 0
    promoted = 0
    waiting = Booking.objects.filter(session_id=session_id, status=BookingStatus.WAITLISTED)
    for booking in waiting.select_related("resident").order_by("created_at", "id"):
        taken = Session.objects.filter(
            pk=session_id, seats_taken__lte=F("capacity") - booking.seats
        ).update(seats_taken=F("seats_taken") + booking.seats)
        if not taken:
            break  # the head does not fit: nobody jumps the queue
        booking.session = session
        _move(
            booking,
            BookingStatus.WAITLISTED,
            BookingStatus.RESERVED,
            remind_at=remind_time(session, now),
        )
        _event(
            booking,
            BookingEventKind.PROMOTED,
            from_status=BookingStatus.WAITLISTED,
            to_status=BookingStatus.RESERVED,
        )
        _act(booking.resident, ActKind.BOOKED, session)
        _notify(
            [booking.resident],
            "promoted",
            _("A seat is yours: %(title)s"),
            _("%(when)s. A seat freed up and you moved from the waiting list to booked."),
            booking,
            channels=("sms",),
        )
        promoted += 1
    return promoted


def check_in_code(session: Session) -> str:
    """The signed code behind the venue's QR poster of a session."""
    return signing.dumps({"s": session.pk}, salt=_CHECK_IN_SALT, compress=True)


def session_for_code(code: str) -> int:
    try:
        data = signing.loads(
            code or "", salt=_CHECK_IN_SALT, max_age=conf.CHECK_IN_LINK_DAYS() * 86400
        )
    except signing.BadSignature:  # also SignatureExpired
        raise NotFound(_("This check-in code is not valid."), code="bad_check_in_code") from None
    return int(data["s"])


def booking_check_in(*, actor: Any, booking: Booking, method: str = CheckInMethod.LIST) -> Booking:
    with write_transaction():
        fresh, session = _locked_booking(booking)
        if fresh.status == BookingStatus.ATTENDED:
            return fresh  # scanning twice is harmless
        _require("check_in", actor, fresh)
        if not transitions.guard_allows("check_in", fresh):
            opens, _closes = transitions.check_in_window(session)
            raise ValidationFailed(
                lazy_format(
                    _("Check-in is open from %(opens)s until the session ends."),
                    {"opens": opens.astimezone(SHANGHAI).strftime("%m-%d %H:%M")},
                ),
                code="check_in_closed",
            )
        now = clock.now()
        _move(
            fresh,
            BookingStatus.RESERVED,
            BookingStatus.ATTENDED,
            checked_in_at=now,
            check_in_method=method,
            remind_at=None,
        )
        Session.objects.filter(pk=session.pk).update(attended=F("attended") + fresh.seats)
        _event(
            fresh,
            BookingEventKind.CHECKED_IN,
            actor=actor,
            from_status=BookingStatus.RESERVED,
            to_status=BookingStatus.ATTENDED,
            data={"method": method},
        )
        _act(fresh.resident, ActKind.ATTENDED, session)
        points_award(
            user=fresh.resident, act=Act.BOOKING_ATTENDED, source=f"bookings.booking:{fresh.pk}"
        )
    return fresh


def booking_check_in_by_code(*, actor: Any, code: str) -> Booking:
    """A resident scans the venue's QR poster: their own reservation checks in."""
    session_id = session_for_code(code)
    booking = (
        Booking.objects.filter(
            session_id=session_id,
            resident_id=getattr(actor, "pk", 0),
            status__in=(BookingStatus.RESERVED, BookingStatus.ATTENDED),
        )
        .order_by("-created_at")
        .first()
    )
    if booking is None:
        raise NotFound(
            _("You have no reservation for this session. Please see the staff at the desk."),
            code="no_reservation",
        )
    return booking_check_in(actor=actor, booking=booking, method=CheckInMethod.QR)


def _mark_no_show(actor: Any, booking: Booking, session: Session, now: dt.datetime) -> None:
    _move(booking, BookingStatus.RESERVED, BookingStatus.NO_SHOW, remind_at=None)
    _event(
        booking,
        BookingEventKind.NO_SHOW,
        actor=actor,
        from_status=BookingStatus.RESERVED,
        to_status=BookingStatus.NO_SHOW,
    )
    # A reservation not used does not count as taking part.
    _act_remove(booking.resident_id, ActKind.BOOKED, session)
    since = now - dt.timedelta(days=conf.NO_SHOW_WINDOW_DAYS())
    missed = Booking.objects.filter(
        resident_id=booking.resident_id,
        status=BookingStatus.NO_SHOW,
        session__starts_at__gte=since,
    ).count()
    if missed >= conf.NO_SHOW_LIMIT() and active_restriction(booking.resident, now) is None:
        until = now + dt.timedelta(days=conf.RESTRICTION_DAYS())
        reason = _(
            "you did not come to %(n)s booked sessions in the last %(days)s days without cancelling"
        ) % {"n": missed, "days": conf.NO_SHOW_WINDOW_DAYS()}
        Restriction.objects.create(
            user_id=booking.resident_id, reason=str(reason), starts_at=now, ends_at=until
        )
        _notify(
            [booking.resident],
            "restricted",
            _("Booking paused until %(until)s") % {"until": until.astimezone(SHANGHAI).date()},
            reason,
            booking,
        )


def booking_mark_no_show(*, actor: Any, booking: Booking) -> Booking:
    with transaction.atomic():
        fresh, session = _locked_booking(booking)
        _require("no_show", actor, fresh)
        if not transitions.guard_allows("no_show", fresh):
            raise Conflict(_("The session has not started yet."), code="session_not_started")
        _mark_no_show(actor, fresh, session, clock.now())
    return fresh


def booking_rate(*, actor: Any, booking: Booking, rating: str, feedback: str = "") -> Booking:
    if rating not in Satisfaction.values:
        raise ValidationFailed(_("Please choose how satisfied you are."), code="rating_invalid")
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": FEEDBACK_MAX}),
            code="text_too_long",
        )
    with transaction.atomic():
        fresh, _session = _locked_booking(booking)
        _require("rate", actor, fresh)
        now = clock.now()
        updated = Booking.objects.filter(pk=fresh.pk, rating="").update(
            rating=rating, feedback=feedback, rated_at=now, updated_at=now
        )
        if updated != 1:
            raise Conflict(_("You have already rated this service."), code="already_rated")
        fresh.rating, fresh.feedback, fresh.rated_at = rating, feedback, now
        _event(fresh, BookingEventKind.RATED, actor=actor, data={"rating": rating})
    return fresh


def restriction_lift(*, actor: Any, restriction: Restriction) -> None:
    """Staff lift a restriction early (a resident explained at the desk)."""
    home = policies.home_path(restriction.user)
    if not home or not policies.manages(actor, home[: 4 * 15]):
        raise PermissionDenied(
            _("Only staff of the resident's community can do this."), code="not_allowed"
        )
    Restriction.objects.filter(pk=restriction.pk, lifted_at__isnull=True).update(
        lifted_by=actor, lifted_at=clock.now()
    )
