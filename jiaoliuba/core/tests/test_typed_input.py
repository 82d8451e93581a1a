"""Dates, times and ids typed by people: a slip is None (the caller's message), never a
ValueError (a 500); and no module reads dates with Django's raising parsers directly."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import user_by_id
from jiaoliuba.appeals.selectors import access_appeal_by_reference
from jiaoliuba.bookings import subjects
from jiaoliuba.core.dateparse import parse_date, parse_datetime, parse_time
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.deliberation.consensus.selectors import access_question
from jiaoliuba.deliberation.meetings.selectors import access_meeting
from jiaoliuba.deliberation.selectors import access_topic
from jiaoliuba.testing.fixtures import JIEFANG

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "2026-00-10", "", None, "x"])
def test_a_date_that_is_none_is_none(raw):
    assert parse_date(raw) is None


def test_real_dates_and_times_still_parse():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_time("23:59") == dt.time(23, 59)
    assert parse_datetime("2026-12-01T18:00") == dt.datetime(2026, 12, 1, 18, 0)


@pytest.mark.parametrize("raw", ["25:00", "12:60", "24:00"])
def test_a_time_that_is_none_is_none(raw):
    assert parse_time(raw) is None
    assert parse_datetime(f"2026-12-01T{raw}") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("1e3", None),
        ("9" * 12, None),
        ("", None),
        (None, None),
        (12, 12),
    ],
)
def test_whole_numbers(raw, expected):
    assert whole_number(raw) == expected


def test_no_module_reads_dates_with_the_raising_parsers():
    found = []
    for path in sorted((ROOT / "jiaoliuba").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "dateparse.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.dateparse":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(
                a.name == "django.utils.dateparse" for a in node.names
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["²", "٣", "9" * 30, "-1", "abc"])
def test_selectors_given_no_id_find_nothing(make_staff, posted):
    """`"²".isdigit()` is true and `int("²")` raises: the selectors guarded by isdigit()
    turned a tampered id into a 500 (they read ids with whole_number now)."""
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG)
    assert user_by_id(user_id=posted) is None
    for access, keyword in (
        (access_topic, "topic_id"),
        (access_meeting, "meeting_id"),
        (access_question, "question_id"),
    ):
        with pytest.raises(NotFound):
            access(user=staff, **{keyword: posted})
    with pytest.raises(NotFound):
        access_appeal_by_reference(user=staff, reference=posted)
    with pytest.raises(NotFound):
        subjects.parse(f"appeal:{posted}")
