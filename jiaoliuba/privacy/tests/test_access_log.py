"""The privacy auditor reviews the sensitive-access log with filters and exports it; no
one else can see it."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from jiaoliuba.accounts import services as accounts
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.core.models import AuditLog
from jiaoliuba.testing.fixtures import CITY, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(regions, make_staff, make_resident):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1")
    secretary = make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="secretary")
    residents = [make_resident(JIEFANG_G1, name=f"居民{n}") for n in range(3)]
    for resident in residents:
        profile = ResidentProfile.objects.get(user=resident)
        accounts.resident_reveal_phone(actor=worker, resident=profile, reason="上门回访")
    profile = ResidentProfile.objects.get(user=residents[0])
    accounts.resident_reveal_phone(actor=secretary, resident=profile, reason='=HYPERLINK("x")')
    return worker, secretary


def test_the_auditor_filters_and_exports(log, make_staff, login_client):
    auditor = make_staff(Role.AUDITOR, CITY, username="auditor")
    client = login_client(auditor)
    page = client.get("/workbench/audit/access/")
    assert page.status_code == 200
    assert page.content.decode().count("上门回访") == 3
    only_secretary = client.get("/workbench/audit/access/", {"viewer": "secret"})
    text = only_secretary.content.decode()
    assert "上门回访" not in text and "HYPERLINK" in text

    export = client.get("/workbench/audit/access.csv", {"viewer": "grid1"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 and all(row[4] == "上门回访" for row in rows[1:])
    everything = client.get("/workbench/audit/access.csv").content.decode("utf-8-sig")
    # A reason that looks like a formula is written as text.
    assert "'=HYPERLINK" in everything
    assert AuditLog.objects.filter(action="access_log.export", actor=auditor).count() == 2


@pytest.mark.parametrize("role,region", [(Role.CITY_ADMIN, CITY), (Role.GRID_WORKER, JIEFANG_G1)])
def test_nobody_else_sees_it(log, make_staff, login_client, role, region):
    other = make_staff(role, region, username=f"x-{role}")
    client = login_client(other)
    assert client.get("/workbench/audit/access/").status_code == 404
    assert client.get("/workbench/audit/access.csv").status_code == 404
    assert Client().get("/workbench/audit/access/").status_code == 302
