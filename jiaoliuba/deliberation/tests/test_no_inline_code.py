"""No inline script, style or event handler in the deliberation and vote templates, and
the static files that replace them exist: a strict Content-Security-Policy is coming."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_code():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert len(list(TEMPLATES.rglob("*.html"))) > 10  # the scan saw the templates


def test_the_static_files_they_use_exist():
    for name in ("deliberation/tally.css", "deliberation/tally.js", "deliberation/topics.css"):
        assert finders.find(name), name
