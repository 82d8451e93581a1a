"""The API's URL patterns, grouped by their first path segment.

Why: Ninja gives one flat list of about a hundred patterns, and Django tries them in
order, matching a regular expression for each that has a parameter; a request for one
of the last routes (votes, unit registers) paid over a hundred matches before its
handler ran (bench/votes_profile.py). Grouped, a request tries the few top-level names,
then only its group. Names stay in the API's namespace: a group is an include without
a namespace of its own, so `reverse("api:…")` is unchanged."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, include, path
from django.urls.resolvers import RoutePattern


def grouped(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    """(patterns, app_name, namespace) as Ninja's `api.urls` gives them, regrouped.
    Order within a group is kept, so the first matching route still wins; a route of one
    segment ("votes") and the routes below it ("votes/<id>") never match the same path."""
    patterns, app_name, namespace = urls
    groups: dict[str, list[Any]] = {}
    top: list[Any] = []
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        if not slash or "<" in head or not isinstance(pattern, URLPattern):
            top.append(pattern)
            continue
        if head not in groups:
            groups[head] = []
            top.append(head)  # the group's place, filled below
        groups[head].append(
            URLPattern(
                RoutePattern(rest, name=pattern.name, is_endpoint=True),
                pattern.callback,
                pattern.default_args,
                pattern.name,
            )
        )
    resolved = [
        path(f"{item}/", include(groups[item])) if isinstance(item, str) else item for item in top
    ]
    return resolved, app_name, namespace
