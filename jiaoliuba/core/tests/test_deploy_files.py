"""deploy/ stays in step with the settings: the env example lists every variable the
production settings read, and nginx accepts the largest body the upload limits allow."""

import re
from pathlib import Path

from django.conf import settings

from jiaoliuba.testing.stack import DEPLOY, GUNICORN_CONF, NGINX_SITE

SETTINGS = Path(settings.BASE_DIR) / "config" / "settings"
READ = re.compile(
    r"""(?:environ\.get|env_bool|env_list|environ\[)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def _read_by(*paths: Path) -> set[str]:
    return {name for path in paths for name in READ.findall(path.read_text(encoding="utf-8"))}


def _listed() -> set[str]:
    text = (DEPLOY / "jiaoliuba.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_env_example_lists_every_variable_production_reads():
    read = _read_by(SETTINGS / "base.py", SETTINGS / "production.py", GUNICORN_CONF)
    assert len(read) > 100  # the pattern still finds them
    assert read - _listed() == set()
    assert "DJANGO_SETTINGS_MODULE" in _listed()


def test_env_example_names_nothing_that_is_not_read():
    read = _read_by(SETTINGS / "base.py", SETTINGS / "production.py", GUNICORN_CONF)
    assert _listed() - read == {"DJANGO_SETTINGS_MODULE"}


def test_nginx_body_limit_matches_the_upload_limit():
    megabytes = re.search(r"client_max_body_size (\d+)m;", NGINX_SITE.read_text()).group(1)
    assert int(megabytes) * 1024 * 1024 == settings.UPLOAD_MAX_REQUEST_BYTES
