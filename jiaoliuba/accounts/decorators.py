"""The sign-in decorators of every page, in one place.

Signed out, a visitor is sent to the sign-in page that fits the page (residents sign in
by SMS, staff by password) with `next` set to the full path, query string included, so
they come back to exactly what they asked for. Signed in without the role a page needs,
they get 404, as if the page did not exist for them: a resident learns nothing of the
staff pages. The API does not use these (Ninja's auth answers 401 there)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors
from jiaoliuba.core.errors import NotFound

View = Callable[..., HttpResponseBase]

RESIDENT_SIGN_IN = "accounts:login"
STAFF_SIGN_IN = "accounts:staff_login"


def _guard(sign_in: str, allowed: Callable[[Any], bool] | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), resolve_url(sign_in))
            if allowed is not None and not allowed(request.user):
                raise NotFound(_("Not found."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# Pages for anyone signed in (a resident's own appeal, the inbox): the SMS sign-in.
signed_in = _guard(RESIDENT_SIGN_IN)

# Staff pages that check the scope themselves (dashboards: out of scope is their 404).
staff_signed_in = _guard(STAFF_SIGN_IN)

# Staff pages: a staff role anywhere, or 404.
staff_required = _guard(STAFF_SIGN_IN, selectors.user_is_staff_member)

# Resident pages: a resident profile, or 404.
resident_required = _guard(RESIDENT_SIGN_IN, lambda user: selectors.resident_of(user) is not None)
