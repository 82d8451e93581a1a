"""The policy header built once is the library's header, response for response: plain
pages, the API, a page whose view adds to the policy (the dashboards' plotly styles), a
report-only policy, and a settings change (a new settings object)."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.test import override_settings

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.policy_header import CachedPolicyCSPMiddleware
from jiaoliuba.testing.fixtures import JIEFANG

CACHED = "jiaoliuba.core.policy_header.CachedPolicyCSPMiddleware"
LIBRARY = "csp.middleware.CSPMiddleware"


def _with(middleware: str) -> list[str]:
    return [middleware if m == CACHED else m for m in settings.MIDDLEWARE]


def _headers(client, urls, **kwargs):
    out = []
    for url in urls:
        for _ in range(2):  # the second answer comes from what the first built
            response = client.get(url, **kwargs)
            out.append(
                (url, response.status_code, response.get(HEADER), response.get(HEADER_REPORT_ONLY))
            )
    return out


URLS = ["/", "/login/", "/healthz", "/api/v1/docs", "/api/v1/regions/tree", "/no-such-page/"]


@pytest.mark.django_db
def test_the_headers_are_the_librarys(client, regions, login_client, make_staff):
    assert CACHED in settings.MIDDLEWARE
    ours = _headers(client, URLS)
    with override_settings(MIDDLEWARE=_with(LIBRARY)):
        theirs = _headers(client, URLS)
    assert ours == theirs and all(h for _u, _s, h, _ro in ours)


@pytest.mark.django_db
def test_a_view_that_changes_its_policy_and_a_report_only_policy(regions, login_client, make_staff):
    leader = login_client(make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="sec"))
    urls = ["/dashboards/", "/"]
    report_only = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report"}}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        ours = _headers(leader, urls)
        with override_settings(MIDDLEWARE=_with(LIBRARY)):
            theirs = _headers(leader, urls)
    assert ours == theirs
    # The dashboards' view adds plotly's styles: its header is its own.
    assert ours[0][1] == 200 and ours[0][2] != ours[-1][2]
    assert all(ro for _u, _s, _h, ro in ours)
    # A changed policy is a new settings object: seen at once.
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert leader.get("/")[HEADER] == "default-src 'none'"
    assert "'self'" in leader.get("/")[HEADER]


def test_the_cached_class_is_the_librarys():
    assert issubclass(CachedPolicyCSPMiddleware, CSPMiddleware)
