"""The Django side of test_replica.py, run as its own process against the test's primary
and standby (replica_settings). It reads one command per line on stdin and answers one
JSON line on stdout; the test moves the clusters (pause replay, stop the standby) between
commands. Every query is recorded with the alias it ran on."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the test client's host allowed, mail kept in memory

from django.db import connections  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test import Client  # noqa: E402

from jiaoliuba.accounts import services as account_services  # noqa: E402
from jiaoliuba.accounts.choices import Role  # noqa: E402
from jiaoliuba.appeals import services as appeal_services  # noqa: E402
from jiaoliuba.appeals.services import Intake  # noqa: E402
from jiaoliuba.core import clock  # noqa: E402
from jiaoliuba.dashboards import services as dashboard_services  # noqa: E402
from jiaoliuba.dashboards.models import ProjectionState  # noqa: E402
from jiaoliuba.demo.loader import REGIONS_CSV  # noqa: E402
from jiaoliuba.regions.models import Region  # noqa: E402
from jiaoliuba.regions.services import parse_region_csv, regions_import  # noqa: E402
from jiaoliuba.testing.fixtures import (  # noqa: E402
    DONGFENG,
    JIEFANG,
    JIEFANG_G1,
    verified_session,
)

ALIASES = ("default", "replica")
STAMP = re.compile(r"数据截至 (\d\d:\d\d:\d\d)")
CONTENTS = (
    "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效",
    "对门邻居家的狗每天早上五点就开始叫，老人休息不好，沟通过没用",
    "楼下垃圾站的垃圾好几天没人清运，臭味很大，希望尽快处理",
    "小区里的车乱停乱放，晚上回家没地方停车，希望物业管管",
    "三号楼楼道的灯坏了一个多星期，晚上上下楼看不清",
)


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


LOG = Recorder()
logging.getLogger("jiaoliuba.dbrouting").addHandler(LOG)
logging.getLogger("jiaoliuba.dbrouting").setLevel(logging.INFO)
state: dict[str, Any] = {}


@contextmanager
def recorded() -> Iterator[dict[str, list[str]]]:
    """Every statement sent on each alias while inside (connections of this thread)."""
    seen: dict[str, list[str]] = {alias: [] for alias in ALIASES}

    def wrapper_for(alias: str):
        def record(execute, sql, params, many, context):
            seen[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in ALIASES:
            stack.enter_context(connections[alias].execute_wrapper(wrapper_for(alias)))
        yield seen


def primary_as_of() -> str:
    as_of = ProjectionState.objects.using("default").values_list("as_of", flat=True).first()
    return as_of.isoformat() if as_of else ""


def submit(count: int) -> None:
    grid = Region.objects.get(code=JIEFANG_G1)
    for _ in range(count):
        n = state["submitted"] = state.get("submitted", 0) + 1
        resident = account_services.resident_register(
            phone=f"1380000{n:04d}", display_name=f"居民{n}", grid=grid, address="1号楼1单元101室"
        )
        intake = Intake(
            content=f"{CONTENTS[n % len(CONTENTS)]}（第{n}件）", community=None, grid=grid
        )
        appeal_services.appeal_submit(submitter=resident, intake=intake)
    dashboard_services.rollups_sync(thorough=True)  # the worker's pass: a new as_of


def cmd_seed() -> dict[str, Any]:
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    regions_import(rows=parse_region_csv(REGIONS_CSV.read_text(encoding="utf-8")))
    staff = account_services.user_create_staff(
        username="street-replica", password="s3cret-pass-123", display_name="街道"
    )
    account_services.role_assign(
        actor=None, user=staff, role=Role.STREET_OFFICER, region=Region.objects.get(code=DONGFENG)
    )
    client = Client()
    client.force_login(staff, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    verified_session(client, staff)
    state["client"] = client
    state["region"] = Region.objects.get(code=JIEFANG).pk
    state["month"] = clock.local_now().date().replace(day=1).isoformat()
    submit(3)
    return {"pending_migrations": len(pending), "as_of": primary_as_of()}


def cmd_write() -> dict[str, Any]:
    with recorded() as seen:
        submit(1)
    return {"queries": {alias: len(seen[alias]) for alias in ALIASES}, "as_of": primary_as_of()}


def cmd_read() -> dict[str, Any]:
    client: Client = state["client"]
    query = f"region={state['region']}&period=month&start={state['month']}"
    LOG.messages.clear()
    with recorded() as seen:
        page = client.get(f"/dashboards/?{query}")
        export = client.get(f"/dashboards/export/kpis.xlsx?{query}")
        api = client.get(f"/api/v1/dashboards/kpis?{query}")
    body = api.json() if api.status_code == 200 else {}
    figures = {f["key"]: f["value"] for f in body.get("figures", [])}
    stamp = STAMP.search(page.content.decode())
    return {
        "status": [page.status_code, export.status_code, api.status_code],
        "stamp": stamp.group(1) if stamp else "",
        "api_as_of": body.get("data_as_of"),
        "received": figures.get("received"),
        "queries": {alias: len(seen[alias]) for alias in ALIASES},
        # The dashboards' own tables read on each alias (sessions and sign-in stay on the
        # primary: they are read before the view, by the middleware).
        "dashboard_tables": {
            alias: sum('"dashboards_' in sql for sql in seen[alias]) for alias in ALIASES
        },
        "writes": {
            alias: [
                sql
                for sql in seen[alias]
                if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", sql, re.I)
                and '"django_session"' not in sql
            ]
            for alias in ALIASES
        },
        "log": list(LOG.messages),
        "primary_as_of": primary_as_of(),
    }


def cmd_replica_write() -> dict[str, Any]:
    """A write sent to the replica by hand (the router never does): PostgreSQL refuses."""
    try:
        ProjectionState.objects.using("replica").update(seen_id=0)
    except Exception as error:
        return {"refused": type(error).__name__, "message": str(error).strip()}
    return {"refused": ""}


COMMANDS = {
    "seed": cmd_seed,
    "write": cmd_write,
    "read": cmd_read,
    "replica_write": cmd_replica_write,
}


def main() -> None:
    for line in sys.stdin:
        name = line.strip()
        if name == "quit":
            break
        try:
            answer = COMMANDS[name]()
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
