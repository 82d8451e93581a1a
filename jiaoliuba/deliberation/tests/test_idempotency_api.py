"""Idempotency-Key on the deliberation and vote writes (core.idempotency, the piece the
appeals API shares): a retry gets the first answer and writes nothing, a refusal is not
remembered, the key cannot be reused for another request, and copies sent at the same
moment run once — on SQLite and PostgreSQL."""

import json
import threading

import pytest
from django.db import connection

from jiaoliuba.core.models import IdempotentRequest
from jiaoliuba.deliberation.models import Ballot, Comment, Topic, VoterRecord
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1


def post(client, url, data, key=""):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


@pytest.mark.django_db
def test_a_retried_ballot_gets_the_first_answer_and_counts_once(api_client, make_vote, verified):
    vote = make_vote()
    client = api_client(verified(phone="13866660001"))
    url = f"/api/v1/votes/{vote.pk}/ballots"
    first = post(client, url, {"choices": [1]}, key="tap-1")
    retry = post(client, url, {"choices": [1]}, key="tap-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json() == {"ok": True}
    assert VoterRecord.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    # Without the key a second attempt is the refusal it always was.
    assert post(client, url, {"choices": [1]}).json()["code"] == "already_voted"
    # The same key for another request is refused, not replayed.
    other = post(client, f"/api/v1/votes/{vote.pk}/ballots?x=1", {"choices": [2]}, key="tap-1")
    assert other.status_code == 201  # the query string is not part of the request line
    elsewhere = make_vote(title="另一个表决")
    reused = post(client, f"/api/v1/votes/{elsewhere.pk}/ballots", {"choices": [1]}, key="tap-1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert not VoterRecord.objects.filter(vote=elsewhere).exists()


@pytest.mark.django_db
def test_topics_and_comments_are_created_once_per_key(api_client, regions, residents, staff):
    client = api_client(residents[0])
    body = {"title": "宠物扰民", "body": "夜里狗叫", "scope": JIEFANG_G1}
    first = post(client, "/api/v1/deliberation/topics", body, key="k-topic")
    again = post(client, "/api/v1/deliberation/topics", body, key="k-topic")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Topic.objects.filter(title="宠物扰民").count() == 1
    tid = first.json()["id"]
    url = f"/api/v1/deliberation/topics/{tid}/comments"
    one = post(client, url, {"body": "同意，晚上太吵"}, key="k-comment")
    two = post(client, url, {"body": "同意，晚上太吵"}, key="k-comment")
    assert two.json()["id"] == one.json()["id"]
    assert Comment.objects.filter(topic_id=tid).count() == 1
    # Another caller's identical key is theirs alone.
    staff_made = post(
        api_client(staff),
        "/api/v1/deliberation/topics",
        {"title": "防汛准备", "body": "汛期前检查", "scope": JIEFANG, "source": "community"},
        key="k-topic",
    )
    assert staff_made.status_code == 201 and staff_made.json()["id"] != tid


@pytest.mark.django_db
def test_a_refused_request_is_not_remembered(api_client, residents):
    client = api_client(residents[0])
    refused = post(
        client,
        "/api/v1/deliberation/topics",
        {"title": "", "body": "写了字", "scope": JIEFANG_G1},
        key="k-fix",
    )
    assert refused.status_code == 400
    assert not IdempotentRequest.objects.exists()
    fixed = post(
        client,
        "/api/v1/deliberation/topics",
        {"title": "楼道堆物", "body": "写了字", "scope": JIEFANG_G1},
        key="k-fix",
    )
    assert fixed.status_code == 201


def test_the_header_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/votes/{vote_id}/ballots"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)


@pytest.mark.django_db(transaction=True)
def test_copies_sent_at_the_same_moment_run_once(api_client, make_vote, verified):
    vote = make_vote()
    client = api_client(verified(phone="13866660002"))
    barrier = threading.Barrier(4)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def send():
        try:
            barrier.wait(timeout=10)
            r = post(client, f"/api/v1/votes/{vote.pk}/ballots", {"choices": [2]}, key="same")
            with lock:
                answers.append((r.status_code, r.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [(201, {"ok": True})] * 4, answers
    assert VoterRecord.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
