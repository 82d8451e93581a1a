"""The soak's users, as locust runs them (in the soak's own virtual environment; started by
bench/soak.py, which writes the tokens and texts this reads from SOAK_CONFIG).

Residents file appeals and check on them; grid workers take appeals from their queue,
accept, reply and resolve them; leaders read the dashboards. Answers that tell of a race
another user won (409: someone moved the appeal on first) are expected and counted apart
from errors. Every 201 of an intake is written down with its appeal's id, so the run can be
checked against the database afterwards: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["SOAK_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
CREATED: list[int] = []
SENT: list[str] = []  # every intake's Idempotency-Key, written down before it is sent
EXPECTED_RACES: dict[str, int] = {}
_lock = threading.Lock()


def _expected_race(name: str) -> None:
    with _lock:
        EXPECTED_RACES[name] = EXPECTED_RACES.get(name, 0) + 1


@events.quitting.add_listener
def _write_down(environment, **_kwargs) -> None:
    with open(CONFIG["ids_out"], "w", encoding="utf-8") as out:
        json.dump({"created": CREATED, "sent": SENT, "expected_races": EXPECTED_RACES}, out)


class Resident(HttpUser):
    weight = 6
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.token = random.choice(CONFIG["residents"])
        self.mine: list[int] = []

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @task(2)
    def file_an_appeal(self) -> None:
        key = uuid.uuid4().hex
        with _lock:
            SENT.append(key)
        with self.client.post(
            "/api/v1/appeals",
            data={"content": random.choice(CONFIG["texts"]), "address": "3号楼2单元"},
            headers={**self._headers(), "Idempotency-Key": key},
            name="resident: file an appeal",
            catch_response=True,
        ) as answer:
            if answer.status_code == 201:
                appeal_id = answer.json()["id"]
                self.mine.append(appeal_id)
                with _lock:
                    CREATED.append(appeal_id)
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(3)
    def check_my_appeal(self) -> None:
        if not self.mine:
            return
        self.client.get(
            f"/api/v1/appeals/{random.choice(self.mine)}",
            headers=self._headers(),
            name="resident: check an appeal",
        )

    @task(1)
    def list_my_appeals(self) -> None:
        self.client.get(
            "/api/v1/appeals?mine=true&limit=20",
            headers=self._headers(),
            name="resident: my appeals",
        )


class GridWorker(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.me = random.choice(CONFIG["staff"])
        self.token = self.me["token"]

    def _post(self, appeal_id: int, action: str, body: dict) -> None:
        name = f"staff: {action}"
        with self.client.post(
            f"/api/v1/appeals/{appeal_id}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            name=name,
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                answer.success()
            elif answer.status_code == 409:  # another worker moved it first
                _expected_race(name)
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task
    def work_the_queue(self) -> None:
        answer = self.client.get(
            "/api/v1/appeals?limit=30",
            headers={"Authorization": f"Bearer {self.token}"},
            name="staff: my queue",
        )
        if answer.status_code != 200:
            return
        # Only the appeal's assignee accepts and handles it; the rest of the queue is the
        # scope's to see (a community secretary watches, a grid worker acts).
        queue = [a for a in answer.json() if a.get("assignee_id") == self.me["user_id"]]
        if not queue:
            return
        appeal = random.choice(queue)
        status = appeal["status"]
        if status == "dispatched":
            self._post(appeal["id"], "accept", {})
        elif status in ("accepted", "in_progress"):
            if random.random() < 0.5:
                self._post(appeal["id"], "reply", {"message": "已联系物业，明天上午上门查看。"})
            else:
                self._post(appeal["id"], "resolve", {"reply": "已处理完毕，请您评价。"})


class Leader(HttpUser):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.token = random.choice(CONFIG["leaders"])

    @task
    def read_the_dashboard(self) -> None:
        path = random.choice(
            ["/api/v1/dashboards/kpis", "/api/v1/dashboards/ranking", "/api/v1/dashboards/trend"]
        )
        self.client.get(
            path,
            headers={"Authorization": f"Bearer {self.token}"},
            name=f"leader: {path.rsplit('/', 1)[1]}",
        )
