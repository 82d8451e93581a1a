"""A new appeal's follow-up (bands, notices, receipt, risk detection) is queued in the
appeal's own row (`follow_up`), not as a task row: run by the worker's cycle, cleared
only once done, handed to the task queue if it raises, and never told twice."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal, AppealBand
from jiaoliuba.appeals.services import intake
from jiaoliuba.appeals.tasks import intake_follow_up
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.tasks import run_queued
from jiaoliuba.testing.worker import wait_until, worker_once, worker_process

pytestmark = pytest.mark.django_db

RED = "楼道里电线冒火花，还有烧焦的味道"


def _due() -> list[int]:
    return list(Appeal.objects.filter(follow_up__isnull=False).values_list("pk", flat=True))


def _receipts(appeal) -> int:
    """The resident's receipts for this appeal (its title names the number)."""
    return Notification.objects.filter(
        kind="appeal.received", recipient=appeal.submitter, title__contains=appeal.number
    ).count()


def test_the_queue_runs_oldest_first_within_its_limit(submit):
    appeals = [submit(f"楼道灯坏了第{n}盏，晚上很黑") for n in range(3)]
    assert _due() == [a.pk for a in appeals]
    assert services.appeal_follow_ups_run(limit=2) == 2
    assert _due() == [appeals[2].pk]
    assert AppealBand.objects.filter(appeal=appeals[0]).exists()
    assert not AppealBand.objects.filter(appeal=appeals[2]).exists()
    assert services.appeal_follow_ups_due() == 1
    assert services.appeal_follow_ups_run(batch=1) == 1
    assert _due() == [] and services.appeal_follow_ups_run() == 0


def test_a_follow_up_done_but_not_cleared_tells_nobody_twice(submit):
    # A worker that died after the follow-up's commit and before clearing it: the next
    # run clears it, and the resident has one receipt.
    appeal = submit()
    assert services.appeal_intake_follow_up(appeal_id=appeal.pk)
    assert _receipts(appeal) == 1 and _due() == [appeal.pk]
    assert services.appeal_follow_ups_run() == 1
    assert _receipts(appeal) == 1 and _due() == []


def test_a_follow_up_that_raises_goes_to_the_task_queue_once(submit, staff, monkeypatch):
    appeal = submit(RED)
    calls = []

    def broken(*, appeal_id, also_notify):
        calls.append((appeal_id, also_notify))
        raise RuntimeError("the notice service is down")

    monkeypatch.setattr(intake, "appeal_intake_follow_up", broken)
    assert services.appeal_follow_ups_run() == 1
    assert calls == [(appeal.pk, [staff["street"].pk])]
    # Not retried here every cycle: cleared, and one task row holds it instead.
    assert _due() == [] and services.appeal_follow_ups_run() == 0
    [row] = DBTaskResult.objects.all()
    assert row.task_path == intake_follow_up.module_path
    assert row.args_kwargs["args"] == [appeal.pk, [staff["street"].pk]]
    monkeypatch.undo()
    # The task queue's try, once the cause is gone, does the whole follow-up.
    assert run_queued("intake_follow_up") == 1
    assert AppealBand.objects.filter(appeal=appeal).exists() and _receipts(appeal) == 1
    kinds = set(Notification.objects.values_list("recipient", "kind"))
    assert (staff["street"].pk, "appeal.red_alert") in kinds


def test_an_appeal_taken_in_before_the_queue_keeps_its_task(submit):
    # Its follow-up was queued as a task row (and its column is null): the row still runs.
    appeal = submit()
    Appeal.objects.filter(pk=appeal.pk).update(follow_up=None)
    intake_follow_up.enqueue(appeal.pk, [])
    assert services.appeal_follow_ups_run() == 0
    assert run_queued("intake_follow_up") == 1
    assert _receipts(appeal) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queue_and_a_dedicated_worker_leaves_it(submit):
    appeal = submit()
    worker_once("--queues", "triage")
    assert _due() == [appeal.pk]
    worker_once()
    assert _due() == [] and _receipts(appeal) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_takes_new_appeals_in_seconds(submit):
    with worker_process():
        appeals = [submit(RED), submit()]
        assert wait_until(lambda: not _due(), seconds=60), "the worker never took them"
    for appeal in appeals:
        assert AppealBand.objects.filter(appeal=appeal).exists() and _receipts(appeal) == 1
