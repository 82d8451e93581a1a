"""No inline code in any template of any app, and every static file a template names exists.

The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows scripts and styles
from our own static files only: an inline <script> body, an on*= handler, a style=
attribute or a <style> element is blocked by the browser (the page breaks silently).
This scan finds them before a browser does, in every app's templates/ and in HTML built in
Python, including templates added by modules this test has never heard of."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

PACKAGE = Path(__file__).resolve().parents[2]  # jiaoliuba/
HOW_TO_FIX = (
    "The Content-Security-Policy blocks inline code. Move it to a static file: JS into "
    "<app>/static/<app>/<name>.js loaded with <script src=\"{% static '...' %}\" defer>, "
    "wiring events with addEventListener on a data-* attribute instead of onclick=; CSS "
    "into a .css file with a class instead of style=. Data for a script goes in "
    "{{ value|json_script:'id' }} (a JSON block, not code)."
)
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "hx-on attribute (evaluated code)"),
]
# In Python, only inside HTML being built: a quote, then the attribute or tag.
INLINE_PY = [
    (re.compile(r"""["'][^"'\n]*<script(?![^>]*\bsrc=)[^>]*>""", re.I), "inline <script>"),
    (re.compile(r"""["'][^"'\n]*<[a-z][^>]*\sstyle\s*=""", re.I), "style= attribute"),
    (re.compile(r"""["'][^"'\n]*<[a-z][^>]*\son[a-z]+\s*=""", re.I), "on*= handler"),
]
STATIC = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def _templates() -> list[Path]:
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


def _where(path: Path, text: str, start: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{text.count(chr(10), 0, start) + 1}"


def test_templates_have_no_inline_code():
    found = [
        f"{_where(path, text, match.start())}: {what}"
        for path in _templates()
        for text in [path.read_text(encoding="utf-8")]
        for pattern, what in INLINE
        for match in pattern.finditer(text)
    ]
    assert not found, "\n".join([HOW_TO_FIX, *found])
    # The scan saw the templates of several apps.
    assert len({p.relative_to(PACKAGE).parts[0] for p in _templates()}) >= 6


def test_python_builds_no_inline_code():
    found = [
        f"{_where(path, text, match.start())}: {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for text in [path.read_text(encoding="utf-8")]
        for pattern, what in INLINE_PY
        for match in pattern.finditer(text)
    ]
    assert not found, "\n".join([HOW_TO_FIX, *found])


def test_the_scan_catches_each_kind():
    samples = {
        "inline <script>": "<script>alert(1)</script>",
        "<style> element": "<style>p{}</style>",
        "style= attribute": '<p style="color:red">',
        "on*= handler": '<button onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
    }
    for what, sample in samples.items():
        assert [w for p, w in INLINE if p.search(sample)] == [what], sample
    clean = '<script src="/static/a.js" defer></script><p class="x" data-on="y">'
    assert not [w for p, w in INLINE if p.search(clean)]
    assert [w for p, w in INLINE_PY if p.search("""format_html('<b style="x">{}</b>', v)""")]


def test_every_static_file_a_template_names_exists():
    missing = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in _templates()
        for name in STATIC.findall(path.read_text(encoding="utf-8"))
        if not finders.find(name)
    ]
    assert not missing
