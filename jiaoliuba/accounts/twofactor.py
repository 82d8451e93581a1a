"""Staff two-factor sign-in (TOTP, django-otp) with one-time recovery codes.

Who needs it: every holder of a staff role above grid worker, and everyone with admin
access (`is_staff`). After the password, such a person is verified with a 6-digit code from
an authenticator app (or one recovery code) before any page opens; one without an app yet is
led through setting one up first (QR code of the provisioning URI, then one code to confirm,
then ten recovery codes shown once). The session remembers the verifying device
(django-otp's session key); `jiaoliuba.accounts.middleware.StaffSessionMiddleware` enforces it.

`JIAOLIUBA_DEMO_2FA_BYPASS` (True only in the demo/dev settings, refused by production's)
lets the demo city be explored without an app.

Reads (`second_factor_required`, `session_is_verified`, ...) and writes (`totp_enrol_*`,
`second_factor_verify`) of this one concern live together here."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.models import RecoveryCode, User
from jiaoliuba.accounts.selectors import user_roles
from jiaoliuba.core import crypto, ratelimit
from jiaoliuba.core.errors import NotAuthenticated, RateLimited, ValidationFailed, lazy_format

# Roles whose holders must use a second factor: every staff role above grid worker.
# The privacy auditor reads who saw full numbers across the whole deployment: as sensitive
# as any post above a grid worker.
SECOND_FACTOR_ROLES = (STAFF_ROLES - {Role.GRID_WORKER}) | {Role.AUDITOR}
RECOVERY_CODES = 10
# 10 characters of an alphabet without look-alikes (no 0/O, 1/I/L): about 50 bits each.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFY_MAX_FAILURES = 5
VERIFY_WINDOW_SECONDS = 900


# --- reads -----------------------------------------------------------------------------


def user_needs_second_factor(user: Any) -> bool:
    """Whether the person's roles or admin access call for a second factor (the demo
    bypass aside)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user_roles(user) & SECOND_FACTOR_ROLES)


def second_factor_required(user: Any) -> bool:
    return not settings.JIAOLIUBA_DEMO_2FA_BYPASS and user_needs_second_factor(user)


def totp_device_of(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def session_is_verified(request: HttpRequest) -> bool:
    """Whether this session passed the second factor, with a device the person still has."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = TOTPDevice.from_persistent_id(persistent_id, for_verify=False)
    return device is not None and device.confirmed and device.user_id == request.user.pk


def provisioning_qr(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG data URI, for an <img> (no inline markup, no network)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_base32(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app by hand."""
    raw = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def unused_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- writes ----------------------------------------------------------------------------


def _recovery_hash(user: User, code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return crypto.lookup_hash(f"{user.pk}:{normalized}", purpose="recovery-code")


def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The device being set up: a fresh secret, kept until confirmed or replaced."""
    device = totp_device_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Authenticator app"), confirmed=False, tolerance=1
        )
    return device


def totp_enrol_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with one code it shows; the previous app (if any) stops working and
    fresh recovery codes replace the old ones. Returns the codes, to be shown once."""
    device = totp_device_of(user, confirmed=False)
    if device is None:
        raise ValidationFailed(gettext_lazy("Start the set-up again."), code="no_device")
    _count_attempt(user)
    # Checked outside the transaction below, so django-otp's count of misses is kept.
    if not code.strip().isdigit() or not device.verify_token(code.strip()):
        raise ValidationFailed(
            gettext_lazy(
                "That code is not right. Check the time on your phone and try the current code."
            ),
            code="bad_code",
        )
    ratelimit.reset(f"2fa:user:{user.pk}")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        return device, recovery_codes_regenerate(user=user)


def _count_attempt(user: User) -> None:
    """Five codes per quarter hour, then a wait (besides django-otp's own growing delay)."""
    key = f"2fa:user:{user.pk}"
    if not ratelimit.hit(key, limit=VERIFY_MAX_FAILURES, window_seconds=VERIFY_WINDOW_SECONDS):
        raise RateLimited(
            lazy_format(
                gettext_lazy(
                    "Too many wrong codes. Please wait %(minutes)s minutes and try again."
                ),
                {"minutes": VERIFY_WINDOW_SECONDS // 60},
            ),
            code="locked_out",
        )


def recovery_codes_regenerate(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user, c)) for c in codes]
    )
    return codes


def _spend_code(*, user: User, code: str) -> TOTPDevice:
    """Check a 6-digit app code, or a recovery code (used up by this). Failures are
    counted: five per quarter hour, then a wait."""
    _count_attempt(user)
    device = totp_device_of(user)
    if device is None:
        raise NotAuthenticated(
            gettext_lazy("Set up your authenticator app first (staff sign-in on the website)."),
            code="second_factor_not_set_up",
        )
    code = code.strip()
    if code.isdigit() and len(code) == device.digits:
        ok = device.verify_token(code)
    else:
        ok = bool(code) and (
            RecoveryCode.objects.filter(
                user=user, code_hash=_recovery_hash(user, code), used_at__isnull=True
            ).update(used_at=timezone.now())
            == 1
        )
    if not ok:
        raise NotAuthenticated(gettext_lazy("That code is not right."), code="bad_code")
    ratelimit.reset(f"2fa:user:{user.pk}")
    return device


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """The sign-in's second step: a good code marks the session verified."""
    device = _spend_code(user=user, code=code)
    otp_login(request, device)
    return device


def second_factor_check_code(*, user: User, code: str | None) -> None:
    """For the API's token exchange: a person who needs a second factor gives a current app
    code (or a recovery code) with the password, in the field `otp`."""
    if not second_factor_required(user):
        return
    if not (code or "").strip():
        raise NotAuthenticated(
            gettext_lazy("This account needs a code from its authenticator app (field otp)."),
            code="second_factor_required",
        )
    _spend_code(user=user, code=code or "")
