"""适老化: the large-text switch is remembered (account when signed in, cookie for
visitors), and every badge colour pair in app.css reads at 4.5:1 or better, in the
standard and in the large-text mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from jiaoliuba.accounts.models import User

CSS = Path(settings.BASE_DIR) / "jiaoliuba" / "core" / "static" / "jiaoliuba" / "app.css"
BACKEND = "jiaoliuba.accounts.backends.StaffPasswordBackend"
LARGE = '<html lang="zh-Hans" class="large-text">'


def html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group()


@pytest.mark.django_db
def test_visitor_switch_is_kept_in_a_cookie(client):
    assert "large-text" not in html_tag(client.get("/").content.decode())
    response = client.post("/prefs/large-text/", {"on": "1", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies["jlb_large_text"].value == "1"
    assert html_tag(client.get("/login/").content.decode()) == LARGE
    client.post("/prefs/large-text/", {"on": "0", "next": "https://evil.example/"})
    assert "large-text" not in html_tag(client.get("/").content.decode())


@pytest.mark.django_db
def test_switch_is_remembered_on_the_account(client, make_resident):
    user = make_resident()
    client.force_login(user, backend=BACKEND)
    client.post("/prefs/large-text/", {"on": "1", "next": "/me/"})
    user.refresh_from_db()
    assert user.large_text is True
    # Another phone (no cookie) with the same account: large text.
    other = type(client)()
    other.force_login(user, backend=BACKEND)
    assert html_tag(other.get("/me/").content.decode()) == LARGE
    # The account's choice wins over a cookie left on a shared phone.
    other.post("/prefs/large-text/", {"on": "0", "next": "/me/"})
    client.cookies["jlb_large_text"] = "1"
    assert "large-text" not in html_tag(client.get("/me/").content.decode())


@pytest.mark.django_db
def test_choice_made_before_signing_in_applies_until_the_account_has_one(client, make_resident):
    user = make_resident()
    assert User.objects.get(pk=user.pk).large_text is None
    client.post("/prefs/large-text/", {"on": "1"})
    client.force_login(user, backend=BACKEND)
    assert html_tag(client.get("/me/").content.decode()) == LARGE


# --- contrast, computed from the stylesheet ---------------------------------------------------


def _rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    """Top-level rules in order as (selectors, declarations); @media blocks are skipped
    (print, and the desk layout, which sets no colours)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules, i = [], 0
    while i < len(css):
        open_at = css.find("{", i)
        if open_at < 0:
            break
        head = css[i:open_at].strip()
        depth, j = 1, open_at + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        if not head.startswith("@"):
            decls = {}
            for part in css[open_at + 1 : j - 1].split(";"):
                if ":" in part:
                    key, value = part.split(":", 1)
                    decls[key.strip()] = value.strip()
            rules.append(([s.strip() for s in head.split(",")], decls))
        i = j
    return rules


def _hex(value: str, variables: dict[str, str]) -> str:
    value = re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value).strip()
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value)
    assert match, f"not a plain colour: {value!r}"
    h = match.group(1)
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h).lower()


def contrast(a: str, b: str) -> float:
    def luminance(h: str) -> float:
        channels = [int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def badge_colours(large: bool) -> dict[str, tuple[str, str]]:
    rules = _rules(CSS.read_text(encoding="utf-8"))
    prefixes = ("", "html.large-text ") if large else ("",)
    roots = (":root", "html.large-text") if large else (":root",)
    variables: dict[str, str] = {}
    for selectors, decls in rules:
        if any(s in roots for s in selectors):
            variables |= {k: v for k, v in decls.items() if k.startswith("--")}
    names = set()
    for selectors, _decls in rules:
        for s in selectors:
            names |= set(re.findall(r"^(?:html\.large-text )?\.badge\.([\w-]+)$", s))
    result = {}
    for name in ["", *sorted(names)]:
        wanted = {p + ".badge" for p in prefixes} | {p + f".badge.{name}" for p in prefixes}
        colours = {"background": "#ffffff", "color": variables["--ink"]}
        for selectors, decls in rules:
            if any(s in wanted for s in selectors):
                for key in ("background", "background-color"):
                    if key in decls:
                        colours["background"] = decls[key]
                if "color" in decls:
                    colours["color"] = decls["color"]
        result[name or "(plain)"] = (
            _hex(colours["color"], variables),
            _hex(colours["background"], variables),
        )
    return result


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
def test_every_badge_reads_at_4_5_to_1(large):
    pairs = badge_colours(large)
    # The badges the pages use must all be covered.
    assert {"prio-red", "prio-yellow", "overdue", "status-accepted", "review"} <= set(pairs)
    low = {n: round(contrast(*pair), 2) for n, pair in pairs.items() if contrast(*pair) < 4.5}
    assert not low, f"badges below 4.5:1: {low}"


def test_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#b26a00", "#fff4e0"), 2) == 3.89  # the old amber badge
