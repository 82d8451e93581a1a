"""A database dump holds no plaintext phone or ID number (PIPL: a stolen backup must not
hand over residents' numbers). Residents sign in by SMS, file appeals with a contact number
through the API and at the desk, give their ID number, staff reveal a number; then the whole
database is dumped the way an operator would (pg_dump, or SQLite's .dump) and searched."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess

import pytest
from django.db import connection
from django.test import Client

from jiaoliuba.accounts import services as accounts
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals.choices import Channel
from jiaoliuba.appeals.services.intake import Intake, appeal_submit
from jiaoliuba.core import crypto
from jiaoliuba.core.selectors import sms_outbox_for_phone
from jiaoliuba.core.validators import id_number_check_digit
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1
from jiaoliuba.testing.tasks import run_intake_follow_ups

SIGNED_IN = "13912345678"
API_CONTACT = "13698765432"
DESK_CONTACT = "15811112222"
REGISTERED = "18633334444"
ID_BODY = "41170219800101123"
ID_NUMBER = ID_BODY + id_number_check_digit(ID_BODY)


def dump() -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        assert shutil.which("pg_dump"), "pg_dump is needed to dump the PostgreSQL test database"
        command = ["pg_dump", "--no-owner", "-d", settings["NAME"]]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings.get(key):
                command[1:1] = [flag, str(settings[key])]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    copy = sqlite3.connect(settings["NAME"])
    try:
        return "\n".join(copy.iterdump())
    finally:
        copy.close()


@pytest.mark.django_db(transaction=True)
def test_a_dump_holds_no_plaintext_numbers(regions, make_staff, make_resident):
    grid_worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1")

    browser = Client()
    assert browser.post("/login/send-code/", {"phone": SIGNED_IN}).status_code in (200, 302)
    sms = sms_outbox_for_phone(phone_hash=crypto.lookup_hash(SIGNED_IN, purpose="phone"))[0]
    code = re.search(r"\d{6}", sms.body).group()
    assert browser.post("/login/", {"phone": SIGNED_IN, "code": code}).status_code == 302

    registered = make_resident(JIEFANG_G1, name="李建国", phone=REGISTERED)
    profile = ResidentProfile.objects.get(user=registered)
    accounts.resident_profile_update(actor=registered, resident=profile, id_number=ID_NUMBER)
    _token, raw = accounts.api_token_create(user=registered, name="app")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/appeals",
        {
            "content": "3号楼东侧路灯不亮已经一周，晚上老人出门看不清台阶",
            "community": JIEFANG,
            "contact_phone": API_CONTACT,
        },
    )
    assert answer.status_code == 201, answer.content
    appeal_submit(
        submitter=None,
        created_by=grid_worker,
        intake=Intake(
            content="居民来电：楼道里电动车充电，线拖到走廊",
            community=regions[JIEFANG],
            contact_phone=DESK_CONTACT,
            channel=Channel.PHONE,
        ),
    )
    run_intake_follow_ups()
    assert (
        accounts.resident_reveal_phone(actor=grid_worker, resident=profile, reason="回访核实")
        == REGISTERED
    )

    text = dump()
    assert "李建国" in text  # the dump really holds the data we wrote
    for number in (SIGNED_IN, API_CONTACT, DESK_CONTACT, REGISTERED, ID_NUMBER):
        assert number not in text, f"{number} appears in plain text in the dump"
        # Nor any run of its last 8 digits glued to other digits.
        assert number[-8:] not in text, f"most of {number} appears in the dump"
