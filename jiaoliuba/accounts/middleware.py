"""Staff sessions: the second factor, the idle timeout and the admin's door.

- A person who needs a second factor (accounts.twofactor) and whose session has not passed
  it is sent to set up or enter a code before any page opens; for the API such a session
  counts as signed out (a bearer token still works).
- Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request (sliding);
  residents keep theirs (SESSION_COOKIE_AGE).
- The Django admin answers 404 to everyone without admin access, signed out included: the
  staff sign-in (with its second factor) is the only way in."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jiaoliuba.accounts import twofactor
from jiaoliuba.accounts.selectors import user_is_staff_member

SEEN_KEY = "_staff_seen"
# The last-seen time is written at most this often (a session write per request otherwise).
SEEN_RESOLUTION_SECONDS = 60
# Pages a half-signed-in person may open: the second-factor steps, sign-out, language.
OPEN_PREFIXES = ("/staff/2fa/", "/logout/", "/i18n/", "/static/", "/healthz", "/favicon.ico")


def may_use_admin(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
    )


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/api/") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session to check (a token call): leave the session untouched and unread.
            return self.get_response(request)
        if path.startswith(reverse("admin:index")) and not may_use_admin(request.user):
            raise Http404(_("Not found."))
        user = request.user
        if user.is_authenticated and (user.is_staff or user_is_staff_member(user)):
            expired = self._idle_expired(request)
            if expired is not None:
                return expired
        user = request.user  # signed out above if idle too long
        if (
            user.is_authenticated
            and not path.startswith(OPEN_PREFIXES)
            and twofactor.second_factor_required(user)
            and not twofactor.session_is_verified(request)
        ):
            if path.startswith("/api/"):
                request.user = AnonymousUser()
            else:
                step = (
                    "accounts:second_factor"
                    if twofactor.totp_device_of(user)
                    else "accounts:second_factor_setup"
                )
                target = request.get_full_path() if request.method == "GET" else "/"
                return redirect(f"{reverse(step)}?{urlencode({'next': target})}")
        return self.get_response(request)

    def _idle_expired(self, request: HttpRequest) -> HttpResponse | None:
        now = int(time.time())  # wall time: tests and the demo may move core.clock
        seen = request.session.get(SEEN_KEY)
        if isinstance(seen, int) and now - seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
            logout(request)
            if request.path_info.startswith("/api/"):
                return None
            messages.info(request, _("You were signed out after a while without activity."))
            return redirect_to_login(request.get_full_path(), reverse("accounts:staff_login"))
        if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_KEY] = now
        return None
