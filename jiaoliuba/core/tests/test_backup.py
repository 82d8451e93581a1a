"""`jiaoliuba backup` then `jiaoliuba restore` into an empty database (a new SQLite file,
or a new PostgreSQL database) and an empty media folder: every appeal, event and file
comes back, checked independently of the command's own check."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from jiaoliuba.appeals.models import Appeal, AppealEvent, Attachment
from jiaoliuba.testing.fixtures import JIEFANG
from jiaoliuba.testing.tasks import run_intake_follow_ups


def photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def files_under(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def empty_target(tmp_path):
    """A DATABASE_URL for a new, empty database of the same kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
        return
    cfg = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{cfg['USER']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{name}"
    yield url, (params, name)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restored_counts(url: str, target) -> dict[str, int]:
    query = {
        t: f"SELECT COUNT(*) FROM {t}"
        for t in ("appeals_appeal", "appeals_appealevent", "appeals_attachment")
    }
    if target is None:
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return {t: db.execute(q).fetchone()[0] for t, q in query.items()}
        finally:
            db.close()
    params, name = target
    with psycopg.connect(dbname=name, **params) as db:
        return {t: db.execute(q).fetchone()[0] for t, q in query.items()}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_everything_back(
    regions, make_resident, api_client, settings, tmp_path, empty_target
):
    settings.MEDIA_ROOT = tmp_path / "media"
    resident = make_resident(name="刘大爷")
    client = api_client(resident)
    for colour, text in (
        ((200, 0, 0), "楼道灯坏了，晚上看不见台阶"),
        ((0, 0, 200), "垃圾站夏天气味太大"),
    ):
        answer = client.post(
            "/api/v1/appeals", {"content": text, "community": JIEFANG, "photos": [photo(colour)]}
        )
        assert answer.status_code == 201, answer.content
    run_intake_follow_ups()
    expected = {
        "appeals_appeal": Appeal.objects.count(),
        "appeals_appealevent": AppealEvent.objects.count(),
        "appeals_attachment": Attachment.objects.count(),
    }
    assert expected["appeals_attachment"] == 2
    media_before = files_under(settings.MEDIA_ROOT)
    assert len(media_before) >= 2

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("media/") for n in names)

    # Restoring over a database that holds data is refused and changes nothing.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert Appeal.objects.count() == expected["appeals_appeal"]

    url, target = empty_target
    new_media = tmp_path / "restored-media"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=url,
        MEDIA_ROOT=str(new_media),
        JIAOLIUBA_VAR_DIR=str(tmp_path / "var"),
        FIELD_ENCRYPTION_KEY=django_settings.FIELD_ENCRYPTION_KEY,
        FIELD_HASH_KEY=django_settings.FIELD_HASH_KEY,
    )
    done = subprocess.run(
        [sys.executable, "-m", "jiaoliuba", "restore", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "restored and checked" in done.stdout
    assert restored_counts(url, target) == expected
    assert files_under(new_media) == media_before

    # The restored site works: its own check passes and a second restore is refused.
    again = subprocess.run(
        [sys.executable, "-m", "jiaoliuba", "restore", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert again.returncode != 0 and "not empty" in again.stderr
