"""Pages. Thin: parse the form, call a service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiaoliuba.accounts import guardians, policies, selectors, services, twofactor
from jiaoliuba.accounts.decorators import resident_required, staff_required
from jiaoliuba.accounts.forms import (
    CodeForm,
    GuardianConsentForm,
    PhoneForm,
    ProfileForm,
    ResidentSearchForm,
    RevealForm,
    SecondFactorForm,
    StaffLoginForm,
)
from jiaoliuba.accounts.types import HtmxRequest, SignedInRequest
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.core.request import client_ip
from jiaoliuba.regions.selectors import region_get

BACKEND = "jiaoliuba.accounts.backends.StaffPasswordBackend"


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def resident_login(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None, initial={"phone": request.session.pop("login_phone", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.otp_verify(
                phone=form.cleaned_data["phone"], code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            login(request, user, backend=BACKEND)
            return redirect(_next_url(request, "/me/"))
    return render(
        request, "accounts/login_resident.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def send_code(request: HtmxRequest) -> HttpResponse:
    """htmx target of the 获取验证码 button; without JavaScript it re-renders the page."""
    form = PhoneForm(request.POST)
    ok, message = False, _("Please enter your mobile number.")
    if form.is_valid():
        try:
            services.otp_request(phone=form.cleaned_data["phone"], ip=client_ip(request))
        except ApplicationError as exc:
            message = str(exc.message)
        else:
            ok = True
            message = _("The code has been sent. It is valid for %(minutes)s minutes.") % {
                "minutes": max(1, settings.OTP_TTL_SECONDS // 60)
            }
    if request.htmx:
        return render(request, "accounts/_code_status.html", {"ok": ok, "message": message})
    (messages.success if ok else messages.error)(request, message)
    # Keep the number in the session, not in a URL where logs and history would keep it.
    request.session["login_phone"] = form.cleaned_data.get("phone", "") if form.is_valid() else ""
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_authenticate(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            login(request, user, backend=BACKEND)
            return redirect(_next_url(request, "/"))
    return render(
        request, "accounts/login_staff.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _second_factor_page(request: HttpRequest) -> HttpResponse | None:
    """Signed out: the sign-in. Someone who needs no second factor: where they were going."""
    if not request.user.is_authenticated:
        return redirect("accounts:staff_login")
    if not twofactor.user_needs_second_factor(request.user):
        return redirect(_next_url(request, "/"))
    return None


@require_http_methods(["GET", "POST"])
def second_factor(request: SignedInRequest) -> HttpResponse:
    """The sign-in's second step: a code from the authenticator app, or a recovery code."""
    elsewhere = _second_factor_page(request)
    if elsewhere is not None:
        return elsewhere
    if twofactor.totp_device_of(request.user) is None:
        return redirect("accounts:second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.second_factor_verify(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            left = twofactor.unused_recovery_codes(request.user)
            if left <= 3:
                messages.warning(
                    request,
                    _("Only %(n)s recovery codes are left: set up the app again for new ones.")
                    % {"n": left},
                )
            return redirect(_next_url(request, "/"))
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@require_http_methods(["GET", "POST"])
def second_factor_setup(request: SignedInRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app. A person who already has one must pass
    the second factor first: a stolen password alone cannot swap the app."""
    elsewhere = _second_factor_page(request)
    if elsewhere is not None:
        return elsewhere
    if twofactor.totp_device_of(request.user) and not twofactor.session_is_verified(request):
        return redirect("accounts:second_factor")
    device = twofactor.totp_enrol_start(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.totp_enrol_confirm(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            twofactor.otp_login(request, device)
            return render(
                request,
                "accounts/second_factor_codes.html",
                {"codes": codes, "next": _next_url(request, "/")},
            )
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "qr": twofactor.provisioning_qr(device),
            "secret": twofactor.secret_base32(device),
        },
    )


LARGE_TEXT_COOKIE = "jlb_large_text"


@require_POST
def large_text(request: HttpRequest) -> HttpResponse:
    """Switch the large-text mode: on the account when signed in, and in a cookie so a
    visitor (or the next sign-in on this phone) keeps it. A plain form, no JavaScript."""
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated:
        services.user_set_large_text(user=request.user, on=on)
    response = redirect(_next_url(request, "/"))
    response.set_cookie(
        LARGE_TEXT_COOKIE,
        "1" if on else "0",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/")


@resident_required
def me(request: SignedInRequest) -> HttpResponse:
    resident = selectors.resident_of(request.user)
    return render(request, "accounts/me.html", {"resident": resident})


@resident_required
@require_http_methods(["GET", "POST"])
def me_profile(request: SignedInRequest) -> HttpResponse:
    resident = selectors.resident_of(request.user)
    assert resident is not None
    initial = {
        "display_name": request.user.display_name,
        "community": resident.community.code if resident.community else "",
        "grid": resident.grid.code if resident.grid else "",
        "address": resident.address,
    }
    if request.method == "POST" and request.POST.get("show_grids"):
        # The no-JavaScript way to see a community's grids: show the form again with what
        # was typed, the new community's grids offered, nothing saved and no errors yet.
        return render(
            request,
            "accounts/me_profile.html",
            {"form": ProfileForm(initial={**initial, **request.POST.dict()})},
        )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resident_profile_update(
                actor=request.user,
                resident=resident,
                display_name=data["display_name"],
                community=region_get(code=data["community"]),
                grid=region_get(code=data["grid"]) if data["grid"] else None,
                address=data["address"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:me")
    return render(request, "accounts/me_profile.html", {"form": form})


@resident_required
def grid_options(request: SignedInRequest) -> HttpResponse:
    """htmx: the <option>s of the grid list for the community just chosen."""
    code = request.GET.get("community", "")
    community = next((c for c in selectors.communities_for_choice() if c.code == code), None)
    grids = list(selectors.grids_of(community=community)) if community else []
    return render(request, "accounts/_grid_options.html", {"grids": grids})


@staff_required
def resident_list(request: SignedInRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = Paginator(
        selectors.resident_list(user=request.user, query=query, status=status), 30
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/resident_list.html", {"form": form, "page": page})


def _detail_context(request: HttpRequest, resident, **extra):
    roles_at = selectors.user_roles_at(request.user)
    path = resident.region_path
    return {
        "resident": resident,
        "reveal_form": RevealForm(),
        "may_reveal": policies.may_any(roles_at, path, policies.PHONE_REVEAL_ROLES),
        "may_verify": policies.may_any(roles_at, path, policies.VERIFY_ROLES),
        "consents": selectors.guardian_consents_of(resident=resident),
        "consent_form": extra.pop("consent_form", None) or GuardianConsentForm(),
        **extra,
    }


@staff_required
def resident_detail(request: SignedInRequest, resident_id: int) -> HttpResponse:
    resident = selectors.access_resident(user=request.user, resident_id=resident_id)
    return render(request, "accounts/resident_detail.html", _detail_context(request, resident))


@staff_required
@require_POST
def resident_reveal_phone(request: SignedInRequest, resident_id: int) -> HttpResponse:
    resident = selectors.access_resident(user=request.user, resident_id=resident_id)
    form = RevealForm(request.POST)
    full_phone, error = None, None
    if form.is_valid():
        try:
            full_phone = services.resident_reveal_phone(
                actor=request.user,
                resident=resident,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            error = str(exc.message)
    else:
        error = _("Please say why you need the full number.")
    context = _detail_context(request, resident, full_phone=full_phone, reveal_error=error)
    if request.htmx:
        return render(request, "accounts/_phone.html", context)
    return render(request, "accounts/resident_detail.html", context)


@staff_required
@require_POST
def resident_guardian_consent(request: SignedInRequest, resident_id: int) -> HttpResponse:
    """PIPL art. 31: staff who met a child's guardian record the consent, before the
    child's ID number can be kept."""
    resident = selectors.access_resident(user=request.user, resident_id=resident_id)
    form = GuardianConsentForm(request.POST)
    if form.is_valid():
        try:
            guardians.guardian_consent_record(
                actor=request.user, resident=resident, ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The guardian's consent is recorded."))
            return redirect("accounts:resident_detail", resident_id=resident.pk)
    context = _detail_context(request, resident, consent_form=form)
    return render(request, "accounts/resident_detail.html", context, status=400)


@staff_required
@require_POST
def resident_verify(request: SignedInRequest, resident_id: int) -> HttpResponse:
    resident = selectors.access_resident(user=request.user, resident_id=resident_id)
    try:
        services.resident_verify(actor=request.user, resident=resident, ip=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The resident is now verified."))
    return redirect("accounts:resident_detail", resident_id=resident.pk)
