"""Rotating FIELD_ENCRYPTION_KEY: `reencrypt_fields` moves every encrypted column to the
new key in batches, while writers keep writing, and afterwards the old key can go."""

from __future__ import annotations

import threading

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from jiaoliuba.core import keys
from jiaoliuba.core.models import SmsOutbox

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw_tokens() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM core_smsoutbox ORDER BY id")
        return [token for (token,) in cursor.fetchall()]


def test_every_encrypted_column_is_found():
    labels = {f"{model._meta.label}.{field.name}" for model, field in keys.encrypted_columns()}
    assert {"accounts.User.phone", "accounts.ResidentProfile.id_number"} <= labels
    assert {"appeals.Appeal.contact_phone", "core.SmsOutbox.body"} <= labels


@pytest.mark.django_db
def test_rotation_rewrites_old_tokens_and_the_old_key_can_then_go(settings, make_resident):
    settings.FIELD_ENCRYPTION_KEY = OLD
    resident = make_resident(phone="13912340001")
    for n in range(5):
        SmsOutbox.objects.create(phone=f"1391234100{n}", phone_hash=str(n), body=f"验证码 00{n}")
    before = raw_tokens()

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    with pytest.raises(CommandError, match="still under an older key"):
        call_command("reencrypt_fields", "--check")
    assert raw_tokens() == before  # --check writes nothing
    call_command("reencrypt_fields", "--batch", "2")
    after = raw_tokens()
    assert all(a != b for a, b in zip(after, before, strict=True))

    settings.FIELD_ENCRYPTION_KEY = NEW
    call_command("reencrypt_fields", "--check")
    resident.refresh_from_db()
    assert resident.phone == "13912340001"
    assert sorted(SmsOutbox.objects.values_list("body", flat=True)) == [
        f"验证码 00{n}" for n in range(5)
    ]
    # A second run has nothing to do and leaves the tokens as they are.
    call_command("reencrypt_fields")
    assert raw_tokens() == after


@pytest.mark.django_db(transaction=True)
def test_rotation_while_the_site_writes_loses_nothing(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    rows = [
        SmsOutbox.objects.create(phone=f"1370000{n:04d}", phone_hash=str(n), body="旧")
        for n in range(40)
    ]
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        # The site, already restarted with the new key first, edits rows during the run.
        try:
            for row in rows[::2]:
                SmsOutbox.objects.filter(pk=row.pk).update(body=f"新 {row.pk}")
        except BaseException as exc:  # reported below: the test must see it
            errors.append(exc)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reports = keys.reencrypt_all(batch=1)
    thread.join(timeout=60)
    assert done.is_set() and not errors
    outbox = next(r for r in reports if r.label == "core.SmsOutbox.body")
    assert outbox.rewritten + outbox.changed_meanwhile <= 40

    # One pass is enough: what the writer wrote is under the new key already.
    settings.FIELD_ENCRYPTION_KEY = NEW
    call_command("reencrypt_fields", "--check")
    bodies = dict(SmsOutbox.objects.values_list("pk", "body"))
    for n, row in enumerate(rows):
        assert bodies[row.pk] == (f"新 {row.pk}" if n % 2 == 0 else "旧")
