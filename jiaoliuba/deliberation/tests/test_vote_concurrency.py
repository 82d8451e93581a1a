"""The same voter from several places at the same moment (a double tap, a retry, a paper
entry racing the phone): exactly one vote counts, on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection

from jiaoliuba.core.errors import Conflict
from jiaoliuba.deliberation.models import Ballot, Vote, VoterRecord
from jiaoliuba.deliberation.voting import services
from jiaoliuba.deliberation.voting.tally import compute_result


@pytest.mark.django_db(transaction=True)
def test_one_voter_four_taps_and_a_paper_sheet(make_vote, verified, organiser):
    vote = make_vote()
    user = verified(phone="13899990001")
    barrier = threading.Barrier(5)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(paper: bool, n: int):
        try:
            barrier.wait(timeout=10)
            fresh = Vote.objects.get(pk=vote.pk)
            if paper:
                services.paper_ballot_enter(
                    vote=fresh,
                    actor=organiser,
                    sheet_number="S-1",
                    choices=[2],
                    phone="13899990001",
                )
            else:
                services.ballot_cast(vote=fresh, actor=user, choices=[1 + n % 3])
            result = "counted"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:  # anything else is a failure of the guarantee
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i == 4, i)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("counted") == 1, outcomes
    assert all(o in ("counted", "already_voted", "voted_on_paper") for o in outcomes), outcomes
    assert VoterRecord.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_close_racing_the_casts_counts_exactly_what_is_in_the_box(make_vote, verified, organiser):

    vote = make_vote()
    voters = [verified() for _ in range(6)]
    barrier = threading.Barrier(len(voters) + 1)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait(timeout=10)
            fn()
            result = "ok"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    jobs = [
        (lambda u=u: services.ballot_cast(vote=Vote.objects.get(pk=vote.pk), actor=u, choices=[1]))
        for u in voters
    ]
    jobs.append(lambda: services.vote_close(vote=Vote.objects.get(pk=vote.pk), actor=organiser))
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(o in ("ok", "vote_closed", "wrong_status") for o in outcomes), outcomes
    closed = Vote.objects.get(pk=vote.pk)
    assert closed.status == "closed"
    assert closed.result == compute_result(closed)
    assert closed.result["ballots"] == outcomes.count("ok") - 1  # minus the close itself
