"""Types of the people who act, for annotations: a service acts for a `User`; a selector
reads for a `Viewer`, who may be signed out and then sees nothing (or only what is
public). Pages past a sign-in decorator and API routes past Ninja's auth take the request
types below, so the user they pass on is a `User` without a cast."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from jiaoliuba.accounts.models import User

Viewer = User | AnonymousUser


class HtmxRequest(HttpRequest):
    """Any page request: django_htmx's middleware sets `htmx` on every one."""

    htmx: HtmxDetails


class SignedInRequest(HtmxRequest):
    """A page request past jiaoliuba.accounts.decorators: someone is signed in."""

    user: User


class ApiRequest(HttpRequest):
    """An API request past the API's auth (bearer token or session): Ninja sets `auth`
    to the user, and the token check sets `user` too."""

    auth: User
    user: User
