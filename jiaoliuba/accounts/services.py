"""Writes about people: sign-in, residents, roles, tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import guardians, policies, selectors
from jiaoliuba.accounts.choices import ROLE_LEVELS, Role, VerificationStatus
from jiaoliuba.accounts.models import (
    ApiToken,
    DutyShift,
    Household,
    OneTimeCode,
    ResidentProfile,
    RoleAssignment,
    User,
)
from jiaoliuba.core import clock, crypto, ratelimit, rawsql
from jiaoliuba.core.errors import (
    ApplicationError,
    Conflict,
    NotAuthenticated,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    lazy_format,
)
from jiaoliuba.core.services import audit_record, model_snapshot, sensitive_access_record
from jiaoliuba.core.sms import SmsDeliveryError, get_sms_backend
from jiaoliuba.core.validators import normalize_id_number, normalize_mobile
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region


def phone_hash(phone: str) -> str:
    return crypto.lookup_hash(phone, purpose="phone")


# --- users ---------------------------------------------------------------------------


def user_create_staff(
    *,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    actor: User | None = None,
) -> User:
    username = username.strip()
    if not username:
        raise ValidationFailed(_("A username is required."), code="invalid_username")
    if User.objects.filter(username=username).exists():
        raise Conflict(_("That username is taken."), code="username_taken")
    user = User(username=username, display_name=display_name.strip())
    try:  # AUTH_PASSWORD_VALIDATORS: at least 10 characters, not common, not all digits
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc
    user.set_password(password)
    if phone:
        phone = normalize_mobile(phone)
        user.phone, user.phone_hash = phone, phone_hash(phone)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict(
            _("That mobile number belongs to another account."), code="phone_taken"
        ) from exc
    audit_record(actor=actor, action="user.create", target=user, after={"username": username})
    return user


def staff_authenticate(*, username: str, password: str, ip: str | None) -> User:
    """Username and password sign-in with a lockout after repeated failures, counted per
    username and per address so neither guessing passwords nor spraying usernames works.

    Each attempt is counted before the password is checked, so parallel guesses cannot
    all pass a check made before any of them was counted. The address is counted first
    and the username only for attempts the address may still make: then exactly the
    limit of parallel guesses reaches the password check."""
    limit = settings.LOGIN_MAX_FAILURES
    window = settings.LOGIN_LOCKOUT_SECONDS
    user_key, ip_key = f"login:user:{username.strip().lower()}", f"login:ip:{ip or '-'}"
    if not ratelimit.hit(ip_key, limit=limit * 4, window_seconds=window) or not ratelimit.hit(
        user_key, limit=limit, window_seconds=window
    ):
        raise RateLimited(
            lazy_format(
                _("Too many failed sign-ins. Please wait %(minutes)s minutes and try again."),
                {"minutes": max(1, window // 60)},
            ),
            code="locked_out",
        )
    user = User.objects.filter(username=username.strip()).first()
    ok = user is not None and user.is_active and user.check_password(password)
    if not ok:
        if user is None:
            make_password(password)  # same work as a real check, so timing tells nothing
        raise NotAuthenticated(_("Wrong username or password."), code="bad_credentials")
    # Only failures count: a colleague signing in from the same office address must not
    # use up its budget.
    ratelimit.reset(user_key)
    ratelimit.release(ip_key)
    assert user is not None
    return user


# --- SMS sign-in -----------------------------------------------------------------------


def _code_hash(phone: str, code: str) -> str:
    return crypto.lookup_hash(f"{phone}:{code}", purpose="otp")


def otp_request(*, phone: str, ip: str | None) -> None:
    """Send a six-digit sign-in code. Limits: one per OTP_RESEND_SECONDS per number, a few
    per hour per number and per address."""
    phone = normalize_mobile(phone)
    digest = phone_hash(phone)
    now = clock.now()
    recent = OneTimeCode.objects.filter(
        phone_hash=digest, created_at__gt=now - dt.timedelta(seconds=settings.OTP_RESEND_SECONDS)
    )
    # The resend slot is reserved atomically first: parallel requests for one number all
    # saw no recent code and each sent one. The stored codes stay the second word.
    if (
        not ratelimit.hit(
            f"otp:resend:{digest}", limit=1, window_seconds=settings.OTP_RESEND_SECONDS
        )
        or recent.exists()
    ):
        raise RateLimited(
            lazy_format(
                _("A code was just sent. Please wait %(seconds)s seconds before asking again."),
                {"seconds": settings.OTP_RESEND_SECONDS},
            ),
            code="otp_too_soon",
        )
    if not ratelimit.hit(
        f"otp:phone:{digest}", limit=settings.OTP_MAX_PER_PHONE_PER_HOUR, window_seconds=3600
    ):
        raise RateLimited(
            _("Too many codes for this number. Please try again in an hour."),
            code="otp_rate_limited",
        )
    if not ratelimit.hit(
        f"otp:ip:{ip or '-'}", limit=settings.OTP_MAX_PER_IP_PER_HOUR, window_seconds=3600
    ):
        raise RateLimited(
            _("Too many codes from this network. Please try again later."), code="otp_rate_limited"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # A new code replaces any older one still waiting.
        OneTimeCode.objects.filter(phone_hash=digest, consumed_at__isnull=True).update(
            consumed_at=now
        )
        OneTimeCode.objects.create(
            phone_hash=digest,
            code_hash=_code_hash(phone, code),
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    message = f"{settings.SMS_SIGNATURE}您的登录验证码是{code},{minutes}分钟内有效。请勿告诉他人。"
    try:
        get_sms_backend().send(phone=phone, message=message, sign_in_code=True)
    except SmsDeliveryError as exc:
        OneTimeCode.objects.filter(phone_hash=digest, consumed_at__isnull=True).update(
            consumed_at=now
        )
        raise ApplicationError(
            _("The SMS could not be sent. Please try again shortly."), code="sms_failed"
        ) from exc


def otp_verify(*, phone: str, code: str) -> User:
    """Check a code and return the resident's user, registering them on first sign-in."""
    phone = normalize_mobile(phone)
    code = (code or "").strip()
    digest = phone_hash(phone)
    now = clock.now()
    otp = (
        OneTimeCode.objects.filter(phone_hash=digest, consumed_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    if otp is None:
        raise ValidationFailed(
            _("The code has expired. Please ask for a new one."), code="otp_expired"
        )
    # Count the attempt first and in its own statement, so a wrong guess is recorded
    # even though we then raise.
    OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
    otp.refresh_from_db(fields=["attempts"])
    if otp.attempts > settings.OTP_MAX_ATTEMPTS:
        OneTimeCode.objects.filter(pk=otp.pk).update(consumed_at=now)
        raise RateLimited(_("Too many wrong codes. Please ask for a new one."), code="otp_locked")
    if not secrets.compare_digest(otp.code_hash, _code_hash(phone, code)):
        raise ValidationFailed(_("The code is not correct."), code="otp_invalid")
    with transaction.atomic():
        if (
            OneTimeCode.objects.filter(pk=otp.pk, consumed_at__isnull=True).update(consumed_at=now)
            != 1
        ):
            raise ValidationFailed(_("The code has already been used."), code="otp_used")
        user = selectors.user_by_phone(phone=phone)
        if user is None:
            user = resident_register(phone=phone)
        elif not user.is_active:
            raise NotAuthenticated(_("This account is disabled."), code="account_disabled")
        elif not ResidentProfile.objects.filter(user=user).exists():
            _registered_now(ResidentProfile.objects.create(user=user))
    return user


def otp_purge_expired() -> int:
    cutoff = clock.now() - dt.timedelta(days=1)
    deleted, _details = OneTimeCode.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# --- residents ---------------------------------------------------------------------------


def _community_and_grid(
    community: Region | None, grid: Region | None
) -> tuple[Region | None, Region | None]:
    if community is not None and community.level != RegionLevel.COMMUNITY:
        raise ValidationFailed(_("Please choose a community."), code="invalid_community")
    if grid is not None:
        if grid.level != RegionLevel.GRID:
            raise ValidationFailed(_("Please choose a grid."), code="invalid_grid")
        if community is None:
            community = grid.parent
        elif grid.parent_id != community.pk:
            raise ValidationFailed(
                _("That grid is not in the chosen community."), code="invalid_grid"
            )
    return community, grid


def _registered_now(profile: ResidentProfile) -> None:
    # created_at is the registration date the participation rate divides by; it must
    # follow the project clock (pinned scenarios, offline imports), which auto_now_add
    # ignores.
    profile.created_at = clock.now()
    ResidentProfile.objects.filter(pk=profile.pk).update(created_at=profile.created_at)


def resident_register(
    *,
    phone: str,
    display_name: str = "",
    community: Region | None = None,
    grid: Region | None = None,
    address: str = "",
    actor: User | None = None,
) -> User:
    phone = normalize_mobile(phone)
    community, grid = _community_and_grid(community, grid)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                display_name=display_name.strip()[:64], phone=phone, phone_hash=phone_hash(phone)
            )
            profile = ResidentProfile(user=user, address=address.strip()[:200])
            profile.place_at(community=community, grid=grid)
            profile.save()
            _registered_now(profile)
    except IntegrityError as exc:
        raise Conflict(_("That mobile number is already registered."), code="phone_taken") from exc
    audit_record(
        actor=actor or user,
        action="resident.register",
        target=user.resident,
        after={"community": community.code if community else None},
    )
    return user


_PROFILE_FIELDS = [
    "community",
    "grid",
    "address",
    "household",
    "household_relation",
    "id_number_hash",
]


def user_set_large_text(*, user: User, on: bool) -> None:
    """Remember the large-text (适老化) choice on the account, so it follows the person
    to another phone."""
    User.objects.filter(pk=user.pk).update(large_text=on)
    user.large_text = on


def resident_profile_update(
    *,
    actor: User,
    resident: ResidentProfile,
    display_name: str | None = None,
    community: Region | None = None,
    grid: Region | None = None,
    address: str | None = None,
    id_number: str | None = None,
    ip: str | None = None,
) -> ResidentProfile:
    """A resident edits their own profile; staff in scope may too. Changing the
    community of a verified resident returns them to 'unverified'."""
    is_self = resident.user_id == actor.pk
    if not is_self and not policies.may_any(
        selectors.user_roles_at(actor), _resident_path(resident), policies.VERIFY_ROLES
    ):
        raise PermissionDenied(_("You may not change this resident's profile."))
    before = model_snapshot(resident, [*_PROFILE_FIELDS, "verification_status"])
    before_name = resident.user.display_name
    if community is not None or grid is not None:
        new_community, new_grid = _community_and_grid(
            community or (grid.parent if grid else None), grid
        )
        if new_community != resident.community:
            resident.household = None
            if resident.verification_status == VerificationStatus.VERIFIED:
                resident.verification_status = VerificationStatus.UNVERIFIED
                resident.verified_by, resident.verified_at = None, None
        resident.place_at(community=new_community, grid=new_grid)
    if address is not None:
        address = address.strip()
        if len(address) > 200:
            raise ValidationFailed(
                _("The address is longer than 200 characters."), code="invalid_address"
            )
        resident.address = address
    if id_number:
        value = normalize_id_number(id_number)
        guardians.require_consent_for(resident, value)
        resident.id_number, resident.id_number_hash = (
            value,
            crypto.lookup_hash(value, purpose="id_number"),
        )
    if display_name is not None:
        name = display_name.strip()
        if not name or len(name) > 64:
            raise ValidationFailed(
                _("Please enter a name of at most 64 characters."), code="invalid_name"
            )
        resident.user.display_name = name
    try:
        with transaction.atomic():
            resident.save()
            resident.user.save(update_fields=["display_name"])
            audit_record(
                actor=actor,
                action="resident.update",
                target=resident,
                before={**before, "display_name": before_name},
                after={
                    **model_snapshot(resident, [*_PROFILE_FIELDS, "verification_status"]),
                    "display_name": resident.user.display_name,
                },
                ip=ip,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("That ID number is already registered to another resident."), code="id_number_taken"
        ) from exc
    return resident


def _resident_path(resident: ResidentProfile) -> str:
    return resident.region_path


def resident_verify(
    *, actor: User, resident: ResidentProfile, ip: str | None = None
) -> ResidentProfile:
    """Staff confirm a resident lives where they say (in person or by household record)."""
    if not policies.may_any(
        selectors.user_roles_at(actor), _resident_path(resident), policies.VERIFY_ROLES
    ):
        raise PermissionDenied(
            _("Only grid workers, community staff and community secretaries may verify residents.")
        )
    if resident.community_id is None:
        raise ValidationFailed(
            _("The resident has not chosen a community yet."), code="no_community"
        )
    now = clock.now()
    with transaction.atomic():
        changed = ResidentProfile.objects.filter(
            pk=resident.pk, verification_status=VerificationStatus.UNVERIFIED
        ).update(
            verification_status=VerificationStatus.VERIFIED, verified_by=actor, verified_at=now
        )
        if changed != 1:
            raise Conflict(_("This resident is already verified."), code="already_verified")
        audit_record(
            actor=actor,
            action="resident.verify",
            target=resident,
            before={"verification_status": VerificationStatus.UNVERIFIED},
            after={"verification_status": VerificationStatus.VERIFIED},
            ip=ip,
        )
    resident.refresh_from_db()
    return resident


def _reveal(
    *,
    actor: User,
    resident: ResidentProfile,
    field: str,
    reason: str,
    allowed: frozenset[str],
    ip: str | None,
) -> None:
    if not policies.may_any(selectors.user_roles_at(actor), _resident_path(resident), allowed):
        raise PermissionDenied(
            _("Your role may not see this number in full."), code="reveal_denied"
        )
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed(
            _("Please say why you need the full number."), code="reason_required"
        )
    sensitive_access_record(actor=actor, subject=resident, field=field, reason=reason, ip=ip)


def resident_reveal_phone(
    *, actor: User, resident: ResidentProfile, reason: str, ip: str | None = None
) -> str:
    _reveal(
        actor=actor,
        resident=resident,
        field="phone",
        reason=reason,
        allowed=policies.PHONE_REVEAL_ROLES,
        ip=ip,
    )
    return resident.user.phone


def household_get_or_create(
    *, community: Region, address: str, grid: Region | None = None
) -> Household:
    household, _created = Household.objects.get_or_create(
        community=community, address=address.strip(), defaults={"grid": grid}
    )
    return household


# --- roles -------------------------------------------------------------------------------


def role_assign(*, actor: User | None, user: User, role: str, region: Region) -> RoleAssignment:
    if role not in Role.values or role == Role.RESIDENT:
        raise ValidationFailed(_("Unknown role."), code="invalid_role")
    if region.level not in ROLE_LEVELS[role]:
        raise ValidationFailed(
            _("This role cannot be held at a region of that level."), code="invalid_role_level"
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        defaults={"created_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        audit_record(
            actor=actor,
            action="role.assign",
            target=user,
            after={"role": role, "region": region.code},
        )
    return assignment


# --- API tokens --------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = "jlb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=raw[:12],
        key_hash=_token_hash(raw),
        expires_at=clock.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, raw


_TOKEN_COLUMNS = (
    rawsql.Columns(ApiToken, "t", skip=("name", "prefix", "key_hash", "created_at")),
    rawsql.Columns(User, "u", skip=("phone",)),  # decrypted only if something reads it
    rawsql.Columns(ResidentProfile, "r", skip=("id_number",)),  # only ever written
    rawsql.Columns(Region, "c"),
    rawsql.Columns(Region, "g"),
)
_TOKEN_ROW = rawsql.RowReader(_TOKEN_COLUMNS)


@functools.cache
def _token_sql() -> str:
    def table(model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    # The user's role assignments ride along as one "role:path,…" column, so a call that
    # checks a role or a scope needs no query of its own (selectors.roles_known).
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    roles = (
        f"(SELECT {concat}(ra.role || ':' || rg.path, ',') FROM {table(RoleAssignment)} ra "  # noqa: S608
        f"INNER JOIN {table(Region)} rg ON rg.id = ra.region_id WHERE ra.user_id = u.id)"
    )
    return (
        f"SELECT {', '.join(c.sql() for c in _TOKEN_COLUMNS)}, {roles} "  # noqa: S608
        f"FROM {table(ApiToken)} t INNER JOIN {table(User)} u ON u.id = t.user_id "
        f"LEFT JOIN {table(ResidentProfile)} r ON r.user_id = u.id "
        f"LEFT JOIN {table(Region)} c ON c.id = r.community_id "
        f"LEFT JOIN {table(Region)} g ON g.id = r.grid_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s "
        "AND u.is_active = %s"
    )


_PROFILE_USER = ResidentProfile._meta.get_field("user")
_PROFILE_REGIONS = (
    ResidentProfile._meta.get_field("community"),
    ResidentProfile._meta.get_field("grid"),
)


def api_token_authenticate(*, raw: str) -> User | None:
    """The token's user, checked against the database on every request (a revoked or
    expired token, or a deactivated user, is refused at once). One indexed look-up by the
    token's hash, which also brings the user's resident profile with its community and
    grid (`selectors.resident_of` answers from it: most API calls are a resident's and
    need it). Written as SQL (`core.rawsql`): every API call runs it, and building it
    through the ORM cost several times what running it does. The phone and ID numbers
    stay encrypted until something reads them."""
    now = clock.now()
    with rawsql.prepared_cursor() as cursor:
        cursor.execute(
            _token_sql(),
            [_token_hash(raw), connection.ops.adapt_datetimefield_value(now), True],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token, user, profile, community, grid = _TOKEN_ROW.read(row[:-1])
    assert isinstance(token, ApiToken) and isinstance(user, User)  # INNER JOINs: never None
    if profile is not None:
        _PROFILE_USER.set_cached_value(profile, user)
        for region_field, region in zip(_PROFILE_REGIONS, (community, grid), strict=True):
            region_field.set_cached_value(profile, region)
    _PROFILE_USER.remote_field.set_cached_value(user, profile)
    selectors.resident_known(user, profile if isinstance(profile, ResidentProfile) else None)
    selectors.roles_known(user, row[-1] or "", has_profile=profile is not None)
    token.user = user
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        _stamp_last_used(token, now)
    return user


_STAMP_SQL = f'UPDATE "{ApiToken._meta.db_table}" SET "last_used_at" = %s WHERE "id" = %s'  # noqa: S608
# The same as one statement that is its own transaction on PostgreSQL: set_config(…, true)
# is SET LOCAL, and the implicit transaction it sets ends with the statement. One round
# trip where BEGIN, SET LOCAL, UPDATE and COMMIT took four.
_STAMP_ASYNC_SQL = (
    f'UPDATE "{ApiToken._meta.db_table}" SET "last_used_at" = %s '  # noqa: S608
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit "
    'WHERE "id" = %s'
)


def _stamp_last_used(token: ApiToken, now: dt.datetime) -> None:
    """When the token was last used, to the minute. A note for the people who manage
    tokens, not a record anything depends on: on PostgreSQL, outside a caller's
    transaction, it commits without waiting for the disk (`synchronous_commit` off for
    this one statement's transaction), so a signed-in call waits for one disk flush —
    its own write's — not two. A crash may forget the last fraction of a second of such
    stamps; it cannot lose or reorder any other write."""
    params = [connection.ops.adapt_datetimefield_value(now), token.pk]
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_ASYNC_SQL if alone else _STAMP_SQL, params)
    token.last_used_at = now


def api_token_revoke(*, raw: str) -> None:
    ApiToken.objects.filter(key_hash=_token_hash(raw), revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


# --- the duty rota routing reads (DutyShift) --------------------------------------------
# Kept by the apps that plan duty (venues' 值班 rota): one row per planned shift, moved
# when a swap is approved and removed when the shift is cancelled.


def duty_shift_add(
    *, user: User, region: Region, starts_at: dt.datetime, ends_at: dt.datetime
) -> DutyShift:
    return DutyShift.objects.create(user=user, region=region, starts_at=starts_at, ends_at=ends_at)


def duty_shift_reassign(*, shift_id: int, user: User) -> None:
    DutyShift.objects.filter(pk=shift_id).update(user=user)


def duty_shift_remove(*, shift_id: int) -> None:
    DutyShift.objects.filter(pk=shift_id).delete()
