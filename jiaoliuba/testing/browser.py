"""pytest plugin for end-to-end tests in a real browser.

Drives Debian's Chromium (``/usr/bin/chromium``) through the Playwright *sync* API. It
never downloads a browser: if Chromium is missing, every test marked
``@pytest.mark.browser`` is skipped and the run says so in one line.

Fixtures:

``browser``        one headless Chromium for the whole session
``page``           a fresh context and tab: phone viewport (390x844), zh-CN
``desktop_page``   the same with a desktop viewport (1366x900)
``new_page``       factory for more tabs in one test, e.g. ``new_page(desktop=True)``
``live_url``       base URL of pytest-django's ``live_server`` (no trailing slash)
``screenshot``     ``screenshot(page, name)`` saves a full-page PNG under
                   ``test-artifacts/screenshots/`` and returns its path

When a test uses ``page``/``live_server``, the context's ``base_url`` is the live server,
so ``page.goto("/login/")`` works. A failing browser test leaves a screenshot in
``test-artifacts/screenshots/failures/``.

Set ``JIAOLIUBA_CHROMIUM`` to use another Chromium binary (it must exist).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path(os.environ.get("JIAOLIUBA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_DIR / "test-artifacts" / "screenshots"

PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
LOCALE = "zh-CN"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9"
# Fail fast: a journey step that takes longer than this is broken, not slow.
DEFAULT_TIMEOUT_MS = 10_000

SKIP_REASON = (
    f"browser tests SKIPPED: {CHROMIUM} not found (apt-get install chromium fonts-wqy-microhei)"
)

_report_key = pytest.StashKey[dict[str, pytest.TestReport]]()


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


# --- skipping without Chromium ---------------------------------------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Skipping here (not with a marker per item) makes every skip report point at this
    # line, so pytest's -r summary folds them into a single line.
    if item.get_closest_marker("browser") is not None and not chromium_available():
        pytest.skip(SKIP_REASON)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    # A skip report's reason reads "Skipped: <reason>".
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if isinstance(r.longrepr, tuple) and str(r.longrepr[2]).endswith(SKIP_REASON)
    ]
    if not skipped:
        return
    # With -rs/-ra (the project default) pytest's short summary already shows the reason
    # as one folded line; print it ourselves only when that summary will not.
    summary_shows_skips = "s" in getattr(terminalreporter, "reportchars", "") and not getattr(
        terminalreporter, "no_summary", False
    )
    if not summary_shows_skips:
        terminalreporter.write_line(f"{SKIP_REASON} [{len(skipped)}]", yellow=True, bold=True)


# --- remember each phase's outcome so page fixtures can screenshot failures -----------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    item.stash.setdefault(_report_key, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_report_key, {})
    return any(r.failed for r in reports.values())


# --- screenshots ---------------------------------------------------------------------------


def save_screenshot(page: Page, name: str, *, directory: Path = SCREENSHOT_DIR) -> Path:
    """Save a full-page PNG of `page` as `<directory>/<name>.png` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "screenshot"
    path = directory / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    return save_screenshot


# --- browser, contexts, pages --------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 — test-only, heavy, after the skip

    # The sync API keeps an asyncio loop "running" in this thread until Playwright stops,
    # so Django would refuse every ORM call in the test thread (SynchronousOnlyOperation),
    # including those of tests that run later in the session. Allow it while we run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Factory: ``new_page(desktop=False, **context_options)`` opens a tab in a fresh
    context (own cookies). All are closed after the test; on failure each is
    screenshotted first."""
    base_url = None
    if "live_server" in request.fixturenames:
        base_url = request.getfixturevalue("live_server").url
    contexts: list[BrowserContext] = []

    def make(*, desktop: bool = False, **options: Any) -> Page:
        settings: dict[str, Any] = {
            "locale": LOCALE,
            "extra_http_headers": {"Accept-Language": ACCEPT_LANGUAGE},
            "timezone_id": "Asia/Shanghai",
        }
        if desktop:
            settings.update(viewport=DESKTOP_VIEWPORT)
        else:
            settings.update(
                viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True
            )
        if base_url:
            settings["base_url"] = base_url
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = _failed(request)
    for i, context in enumerate(contexts):
        if failed:
            for j, tab in enumerate(context.pages):
                # Best effort: the test has already failed, do not hide why.
                with contextlib.suppress(Exception):
                    save_screenshot(
                        tab, f"{request.node.nodeid}-{i}-{j}", directory=SCREENSHOT_DIR / "failures"
                    )
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A phone-sized tab (390x844), Chinese locale."""
    return new_page()


@pytest.fixture
def desktop_page(new_page: Callable[..., Page]) -> Page:
    """A desktop-sized tab (1366x900), Chinese locale."""
    return new_page(desktop=True)


# --- the application under test ---------------------------------------------------------


@pytest.fixture
def live_url(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Base URL of the running app, e.g. ``http://localhost:45123``. Using it makes the
    test transactional: the server thread sees what the test writes."""
    # Needed for ORM calls in the test thread while Playwright's loop runs (see
    # `browser`); set here too for tests that take live_url before the browser.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # (Rate-limit counters in the cache are cleared for every test by testing/fixtures.py.)
    return live_server.url.rstrip("/")


# --- signing in without the forms, and watching for blocked code ---------------------------


def sign_in_as(page: Page, user: Any, live_url: str) -> None:
    """Give `page`'s context a signed-in session for `user` (staff: their second factor
    verified too), without going through the sign-in forms. For tests about pages, not
    about signing in; the sign-in journeys keep using the forms."""
    from django.conf import settings  # noqa: PLC0415 — test-only helper module, settings late
    from django.test import Client  # noqa: PLC0415

    from jiaoliuba.testing.fixtures import verified_session  # noqa: PLC0415

    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    verified_session(client, user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}]
    )


def staff_sign_in(
    page: Page, username: str, password: str | None = None, *, landing: str = "**/workbench/"
) -> None:
    """Sign in on the staff form as a person would, with the second step when their role
    asks for one (an authenticator app is set up for them first, as a test's shortcut)."""
    from jiaoliuba.accounts import twofactor  # noqa: PLC0415
    from jiaoliuba.accounts.models import User  # noqa: PLC0415
    from jiaoliuba.testing.fixtures import PASSWORD, totp_code, totp_device_for  # noqa: PLC0415

    user = User.objects.get(username=username)
    needs_code = twofactor.second_factor_required(user)
    if needs_code:
        device = totp_device_for(user)  # before the password, so no set-up page is shown
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("main form button[type=submit]")
    if needs_code:
        page.wait_for_url("**/staff/2fa/?**")
        page.fill("#id_code", totp_code(device))
        page.click("main form button[type=submit]")
    page.wait_for_url(landing)


WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def watch_for_blocked_code(page: Page) -> Callable[[], list[str]]:
    """Collect console errors, uncaught exceptions and Content-Security-Policy violations of
    every page `page` shows from now on; call the returned function to read (and clear)
    them, e.g. after each page has settled."""
    errors: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"exception: {e}"))

    def read() -> list[str]:
        violations = page.evaluate("window.__cspViolations || []")
        found = errors + [f"CSP: {v}" for v in violations]
        errors.clear()
        page.evaluate("window.__cspViolations = []")
        return found

    return read
