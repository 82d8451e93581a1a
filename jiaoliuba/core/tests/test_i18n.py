"""The Simplified Chinese catalog: complete, well-formed, compiled, and actually used.

Regenerate and compile after changing any UI string (run from the project root; GNU gettext
is needed for these two commands only, never at run time, so the .mo is committed):

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m django makemessages \
        -l zh_Hans --ignore=.venv --ignore=bench --ignore=test-artifacts --no-obsolete
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m django compilemessages \
        -l zh_Hans --ignore=.venv
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.transitions import TRANSITIONS
from jiaoliuba.core.errors import Conflict
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

ROOT = Path(settings.BASE_DIR)
CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "django.po"
MO_PATH = CATALOG_DIR / "django.mo"
# Trees makemessages scans (run from the project root minus the ignored folders).
SOURCE_ROOTS = [ROOT / "jiaoliuba", ROOT / "config"]

# Names xgettext extracts from Python: its own defaults plus the ones Django's makemessages adds
# (django/core/management/commands/makemessages.py). {name: (context arg, singular, plural)}.
PY_KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
TRANSLATION_FUNCTIONS = set(PY_KEYWORDS) - {"_"} | {"ugettext", "ugettext_lazy", "ungettext"}

# printf-style (%(name)s, %s, %r, %5.2f …) and brace ({name}, {0}, {}) placeholders.
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
BRACE = re.compile(r"(?<!\{)\{[^{}\s]*\}(?!\})")
CJK = re.compile(r"[\u3400-\u9fff]")
# msgids whose Chinese translation legitimately contains no Chinese character.
NO_CJK_OK: set[str] = set()


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A test-client request leaves its language active in the thread; later tests in the
    session must not inherit the English these tests ask for."""
    yield
    translation.deactivate()


def placeholders(text: str) -> Counter:
    found = [m.group(0) for m in PRINTF.finditer(text) if m.group(0) != "%%"]
    return Counter(found + BRACE.findall(text))


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages (see module docstring)"
    return polib.pofile(str(PO_PATH))


@pytest.fixture(scope="module")
def entries(po) -> list[polib.POEntry]:
    live = [e for e in po if not e.obsolete]
    assert len(live) > 50, "the catalog is suspiciously small"
    return live


def key(entry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


# --- the catalog itself ---------------------------------------------------------------------


def test_header(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy, "remove the #, fuzzy flag above the header"


def test_every_entry_is_translated_and_not_fuzzy(entries):
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(("fuzzy", e.msgid))
        if e.msgid_plural:
            if sorted(e.msgstr_plural) != [0]:
                problems.append(("needs exactly msgstr[0] (nplurals=1)", e.msgid))
            if not all(s.strip() for s in e.msgstr_plural.values()):
                problems.append(("empty plural msgstr", e.msgid))
            texts = list(e.msgstr_plural.values())
        else:
            if not e.msgstr.strip():
                problems.append(("empty msgstr", e.msgid))
            texts = [e.msgstr]
        if e.msgid not in NO_CJK_OK and not all(CJK.search(t) for t in texts if t.strip()):
            problems.append(("no Chinese in the translation", e.msgid))
    assert not problems, "\n".join(f"{why}: {msgid!r}" for why, msgid in problems)


def test_placeholders_match(entries):
    problems = []
    for e in entries:
        if e.msgid_plural:
            # With one plural form, msgstr[0] serves every n, so it follows the plural msgid.
            pairs = [(e.msgid_plural, s) for s in e.msgstr_plural.values()]
            if placeholders(e.msgid) != placeholders(e.msgid_plural):
                problems.append((e.msgid, e.msgid_plural))
        else:
            pairs = [(e.msgid, e.msgstr)]
        for source, target in pairs:
            if placeholders(source) != placeholders(target):
                problems.append((source, target))
    assert not problems, "\n".join(f"{s!r} -> {t!r}" for s, t in problems)


def test_placeholder_check_can_fail():
    assert placeholders("Hello, %(name)s") != placeholders("您好")
    assert placeholders("code %(code)r on %s") == placeholders("第%s行的代码 %(code)r")
    assert placeholders("{n} items") != placeholders("{count}项")
    assert placeholders("100%% done") == placeholders("已完成")


# --- the compiled catalog -------------------------------------------------------------------


def _as_dict(catalog) -> dict:
    out = {}
    for e in catalog:
        if e.obsolete or not e.msgid or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            value = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural, key=int))
            if any(value):
                out[key(e)] = value
        elif e.msgstr:
            out[key(e)] = e.msgstr
    return out


def test_mo_is_in_sync_with_po(po):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages (see module docstring)"
    mo = polib.mofile(str(MO_PATH))
    po_dict, mo_dict = _as_dict(po), _as_dict(mo)
    stale = {k for k in po_dict.keys() | mo_dict.keys() if po_dict.get(k) != mo_dict.get(k)}
    assert not stale, (
        "django.mo differs from django.po; run compilemessages (see module docstring). "
        f"First differences: {sorted(stale, key=str)[:5]}"
    )
    assert mo.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_django_serves_every_translation(entries):
    """Catches a catalog in the wrong folder or shadowed by Django's own zh_Hans catalog."""
    wrong = []
    with translation.override("zh-hans"):
        for e in entries:
            ctx = e.msgctxt
            if e.msgid_plural:
                for n in (1, 2, 5):
                    got = (
                        translation.npgettext(ctx, e.msgid, e.msgid_plural, n)
                        if ctx
                        else translation.ngettext(e.msgid, e.msgid_plural, n)
                    )
                    if got != e.msgstr_plural[0]:
                        wrong.append((e.msgid, got))
            else:
                got = translation.pgettext(ctx, e.msgid) if ctx else translation.gettext(e.msgid)
                if got != e.msgstr:
                    wrong.append((e.msgid, got))
    assert not wrong, wrong[:10]


# --- the catalog covers the code ----------------------------------------------------------

TEMPLATE_CALL = re.compile(
    r"""\b(npgettext|pgettext|ngettext|gettext|_)\(\s*"""
    r"""((?:u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*,\s*)*"""
    r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))"""
)
TEMPLATE_TAG = re.compile(r"{%\s*(?:translate|trans|blocktranslate|blocktrans)\s")
TAG_TOKEN = re.compile(r"{%.*?%}|{{.*?}}", re.S)
TAG_CONSTANT = re.compile(r"""_\((?:".*?"|'.*?')\)""")  # {% include … with x=_("…") %}


def template_files() -> list[Path]:
    return sorted(ROOT.glob("jiaoliuba/*/templates/**/*.html"))


def template_messages(path: Path) -> list[tuple[str | None, str, str | None]]:
    """What makemessages would extract: Django's own templatize() turns the translation tags
    into gettext() calls (xgettext's input); we read those calls without xgettext."""
    found = []
    for function, args in TEMPLATE_CALL.findall(templatize(path.read_text(), origin=str(path))):
        values = ast.literal_eval(f"({args},)")
        if function == "npgettext":
            found.append((values[0], values[1], values[2]))
        elif function == "pgettext":
            found.append((values[0], values[1], None))
        elif function == "ngettext":
            found.append((None, values[0], values[1]))
        else:
            found.append((None, values[0], None))
    return found


def test_template_extraction_sees_every_tag():
    """Guards the extractor below: one message per {% translate %}, {% blocktranslate %} and
    _("…") constant inside a tag."""
    files = template_files()
    assert len(files) >= 10
    for path in files:
        text = path.read_text()
        tags = len(TEMPLATE_TAG.findall(text)) + sum(
            len(TAG_CONSTANT.findall(token)) for token in TAG_TOKEN.findall(text)
        )
        assert len(template_messages(path)) == tags, path
    plural = template_messages(ROOT / "jiaoliuba/accounts/templates/accounts/resident_list.html")
    assert (None, "%(n)s resident", "%(n)s residents") in plural


def test_every_template_string_is_in_the_catalog(entries):
    catalog = {key(e) for e in entries}
    missing = [
        (str(path.relative_to(ROOT)), message)
        for path in template_files()
        for message in template_messages(path)
        if message not in catalog
    ]
    assert not missing, "run makemessages and translate:\n" + "\n".join(map(str, missing))


def python_files() -> list[Path]:
    files = []
    for root in SOURCE_ROOTS:
        files += [p for p in root.rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def python_messages(path: Path):
    """(line, message) for calls xgettext extracts, and (line, problem) for calls it cannot."""
    messages, problems = [], []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call) or _call_name(node) not in PY_KEYWORDS:
            continue
        ctx_at, singular_at, plural_at = PY_KEYWORDS[_call_name(node)]
        positions = [i for i in (ctx_at, singular_at, plural_at) if i is not None]
        if len(node.args) <= max(positions):
            continue
        args = node.args
        if any(isinstance(args[i], ast.JoinedStr) for i in positions):
            problems.append((node.lineno, "f-string passed to a translation function"))
            continue
        if not all(
            isinstance(args[i], ast.Constant) and isinstance(args[i].value, str) for i in positions
        ):
            continue  # a variable: translated elsewhere, nothing for xgettext here
        value = [args[i].value if i is not None else None for i in (ctx_at, singular_at, plural_at)]
        messages.append((node.lineno, tuple(value)))
    return messages, problems


def test_every_python_string_is_in_the_catalog(entries):
    catalog = {key(e) for e in entries}
    missing, problems = [], []
    for path in python_files():
        found, bad = python_messages(path)
        name = path.relative_to(ROOT)
        missing += [f"{name}:{line} {message}" for line, message in found if message not in catalog]
        problems += [f"{name}:{line} {why}" for line, why in bad]
    assert not problems, "\n".join(problems)
    assert not missing, "run makemessages and translate:\n" + "\n".join(missing)


def test_translation_functions_are_imported_under_extractable_names():
    hidden = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if (
                        alias.name in TRANSLATION_FUNCTIONS
                        and (alias.asname or alias.name) not in PY_KEYWORDS
                    ):
                        hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} as {alias.asname}")
    assert not hidden, "xgettext cannot see calls through these names:\n" + "\n".join(hidden)


# --- pages and the API in both languages --------------------------------------------------


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/login/", "/staff/login/"])
def test_pages_are_chinese_by_default_and_english_when_chosen(url):
    client = Client()
    page = _text(client.get(url))
    assert '<html lang="zh-Hans">' in page
    assert "登录" in page
    assert "交流吧 · 让群众说事、议事、理事、监事" in page
    assert ">Sign in<" not in page and "Staff sign-in" not in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302
    page = _text(client.get(url))
    assert '<html lang="en">' in page
    assert (">Sign in<" if url != "/" else "Staff sign-in") in page
    assert "let residents speak, deliberate, act and oversee" in page
    assert "登录" not in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": url})
    assert "登录" in _text(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected", "absent"),
    [
        ("zh-CN,zh;q=0.9", "居民登录", "Resident sign-in"),
        ("en-US,en;q=0.8", "Resident sign-in", "居民登录"),
    ],
)
def test_browser_language_is_honoured(accept_language, expected, absent):
    page = _text(Client().get("/login/", HTTP_ACCEPT_LANGUAGE=accept_language))
    assert expected in page
    assert absent not in page
    assert ("获取验证码" in page) == (expected == "居民登录")


@pytest.mark.django_db
def test_admin_header_is_translated(regions):
    # The admin answers 404 to all but admins (accounts/middleware.py): read it as one.
    admin = User.objects.create_superuser("root", "s3cret-pass-123")
    client = Client()
    client.force_login(admin)
    page = _text(client.get("/admin/"))
    assert "交流吧管理后台" in page
    page = _text(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Jiaoliuba administration" in page


def test_resident_count_uses_the_plural_entry(make_staff, make_resident, login_client):
    staff = make_staff("community_staff", JIEFANG)
    client = login_client(staff)
    make_resident(JIEFANG_G1)
    assert "共1位居民" in _text(client.get("/workbench/residents/"))
    assert "1 resident<" in _text(client.get("/workbench/residents/", HTTP_ACCEPT_LANGUAGE="en"))
    make_resident(JIEFANG_G1)
    assert "共2位居民" in _text(client.get("/workbench/residents/"))
    assert "2 residents" in _text(client.get("/workbench/residents/", HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.django_db
def test_api_error_carries_both_languages():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message_zh"] == "请先登录。"
    assert body["message_en"] == "Please sign in first."
    assert body["message"] == body["message_zh"]

    body = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == "Please sign in first."
    assert body["message_zh"] == "请先登录。"


ERRORS = {
    "ApplicationError",
    "ValidationFailed",
    "NotAuthenticated",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "RateLimited",
    "Busy",
}


def _error_messages_fixed_too_early(path: Path, root: Path = ROOT) -> list[str]:
    """Places in one module where an error's message is already a plain string in the
    language of the moment: `_("… %(n)s …") % {…}` (interpolating evaluates the lazy
    string), or `_` bound to the eager `gettext`. Such an error answers the API with
    message_en in Chinese, or message_zh in English (core.errors.lazy_format)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    eager = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in ("gettext", "pgettext", "ngettext")
    }
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not call.args:
            continue
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name not in ERRORS:
            continue
        for node in ast.walk(call.args[0]):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None)
            if called in eager:
                found.append(f"{path.relative_to(root)}:{node.lineno} eager {called}()")
        message = call.args[0]
        if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
            found.append(f"{path.relative_to(root)}:{message.lineno} `_(…) % …`")
    return found


def test_error_messages_stay_lazy_for_both_languages():
    found = [
        place
        for path in sorted((ROOT / "jiaoliuba").rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for place in _error_messages_fixed_too_early(path)
    ]
    assert found == []


def test_the_lazy_check_can_fail(tmp_path):
    module = tmp_path / "jiaoliuba" / "bad.py"
    module.parent.mkdir()
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        "from django.utils.translation import gettext_lazy\n"
        "raise ValidationFailed(_('x'))\n"
        "raise Conflict(gettext_lazy('%(n)s') % {'n': 1})\n",
        encoding="utf-8",
    )
    found = _error_messages_fixed_too_early(module, root=tmp_path)
    assert [place.split(" ", 1)[1] for place in found] == ["eager _()", "`_(…) % …`"]


@pytest.mark.django_db
def test_an_interpolated_error_answers_in_both_languages(settings):
    """The resend wait of an SMS code: a number in the message (it was Chinese in
    message_en before the messages were made lazy)."""
    client = Client()
    first = client.post(
        "/api/v1/auth/sms/request", {"phone": "13900000077"}, content_type="application/json"
    )
    assert first.status_code == 202
    body = client.post(
        "/api/v1/auth/sms/request", {"phone": "13900000077"}, content_type="application/json"
    ).json()
    seconds = settings.OTP_RESEND_SECONDS
    assert body["code"] == "otp_too_soon"
    assert body["message_zh"] == f"验证码刚刚已发送，请{seconds}秒后再获取。"
    assert body["message_en"] == (
        f"A code was just sent. Please wait {seconds} seconds before asking again."
    )
    assert body["message"] == body["message_zh"]


def test_a_wrong_state_is_told_in_both_languages():
    """The one 409 every transition table raises names the state in each language."""
    with pytest.raises(Conflict) as caught:
        TRANSITIONS.require(Appeal(status=Status.CLOSED), "accept")
    payload = caught.value.as_payload()
    assert payload["code"] == "wrong_status"
    with translation.override("en"):
        closed_en = str(Status.CLOSED.label)
    with translation.override("zh-hans"):
        closed_zh = str(Status.CLOSED.label)
    assert closed_en != closed_zh
    assert payload["message_en"] == f"This cannot be done while the appeal is “{closed_en}”."
    assert closed_zh in payload["message_zh"] and closed_en not in payload["message_zh"]
