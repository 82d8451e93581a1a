"""The consensus map's services and the worker's recompute against the real database:
votes, statements, moderation, the transition table, participation, and the map the
task computes for planted groups of real residents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.dashboards import sources
from jiaoliuba.deliberation.choices import ActKind
from jiaoliuba.deliberation.consensus import selectors, services
from jiaoliuba.deliberation.consensus.choices import ConsensusEventKind, QuestionStatus
from jiaoliuba.deliberation.consensus.tasks import refresh_maps
from jiaoliuba.deliberation.models import (
    ConsensusEvent,
    ConsensusPlacement,
    ConsensusResult,
    ParticipationAct,
    SensitiveWord,
    Statement,
    StatementVote,
)
from jiaoliuba.deliberation.participation import deliberation_participation
from jiaoliuba.deliberation.tests.consensus_fixtures import seeds
from jiaoliuba.testing.fixtures import JIANKANG_G1, JIEFANG, JIEFANG_G1
from jiaoliuba.testing.tasks import run_queued

pytestmark = pytest.mark.django_db


def test_opening_seeds_statements_with_events(question, staff):
    assert question.status == QuestionStatus.OPEN
    assert question.scope_path == question.topic.scope_path
    assert len(seeds(question)) == 6 and all(s.seeded for s in seeds(question))
    kinds = list(ConsensusEvent.objects.filter(question=question).values_list("kind", flat=True))
    assert kinds == [ConsensusEventKind.OPENED] + [ConsensusEventKind.STATEMENT_ADDED] * 6


def test_only_staff_of_the_area_open_questions(propose, residents, make_staff):
    topic = propose(residents[0])
    other = make_staff(Role.COMMUNITY_STAFF, JIANKANG_G1[:12])
    for actor in (residents[1], other):
        with pytest.raises(PermissionDenied):
            services.question_open(topic=topic, actor=actor, prompt="?")


def test_vote_records_changes_and_counts_participation(question, residents, regions):
    first = seeds(question)[0]
    services.statement_vote(statement=first, actor=residents[1], opinion="agree")
    services.statement_vote(statement=first, actor=residents[1], opinion="disagree")
    vote = StatementVote.objects.get(statement=first, voter=residents[1])
    assert vote.value == -1
    first.refresh_from_db()
    assert first.vote_count == 1  # a changed opinion is not a second vote
    question.refresh_from_db()
    assert question.votes_version == 2
    act = ParticipationAct.objects.get(user=residents[1], kind=ActKind.CONSENSUS)
    assert act.topic_id == question.topic_id and act.resident_path == regions[JIEFANG_G1].path
    # The deliberation source of 参与率 counts the voter, once.
    today = clock.local_now().date()
    within = regions[JIEFANG].path
    # The proposer of the topic and this voter, each once.
    assert deliberation_participation.count(within, len(within), today, today) == {within: 2}
    assert "deliberation" in {s.key for s in sources.sources("participation") if s.connected}


def test_bad_opinion_and_outsiders_change_nothing(question, residents, make_resident, staff):
    statement = seeds(question)[0]
    with pytest.raises(ValidationFailed):
        services.statement_vote(statement=statement, actor=residents[1], opinion="maybe")
    outsider = make_resident(JIANKANG_G1)
    with pytest.raises(PermissionDenied):
        services.statement_vote(statement=statement, actor=outsider, opinion="agree")
    with pytest.raises(PermissionDenied):  # staff moderate; they are not on the map
        services.statement_vote(statement=statement, actor=staff, opinion="agree")
    assert not StatementVote.objects.exists()
    question.refresh_from_db()
    assert question.votes_version == 0


def test_statement_add_checks_words_length_duplicates(question, residents):
    SensitiveWord.objects.create(word="坏词")
    before = Statement.objects.count()
    for body, error in (
        ("", ValidationFailed),
        ("字" * 141, ValidationFailed),
        ("这是 坏 词", ValidationFailed),
        ("食堂应由社区自营，价格最便宜！", Conflict),
    ):
        with pytest.raises(error):
            services.statement_add(question=question, actor=residents[2], body=body)
    assert Statement.objects.count() == before
    statement = services.statement_add(question=question, actor=residents[2], body="菜单每周公示")
    assert not statement.seeded
    # The author agrees with their own statement (as in Pol.is).
    assert StatementVote.objects.get(statement=statement, voter=residents[2]).value == 1


def test_close_and_reopen_follow_the_table(question, staff, residents):
    with pytest.raises(PermissionDenied):
        services.question_close(question=question, actor=residents[0])
    services.question_close(question=question, actor=staff)
    with pytest.raises(Conflict):
        services.statement_vote(statement=seeds(question)[0], actor=residents[1], opinion="agree")
    with pytest.raises(Conflict):
        services.statement_add(question=question, actor=residents[1], body="新观点")
    with pytest.raises(Conflict):
        services.question_close(question=question, actor=staff)
    services.question_reopen(question=question, actor=staff)
    services.statement_vote(statement=seeds(question)[0], actor=residents[1], opinion="agree")
    kinds = set(ConsensusEvent.objects.values_list("kind", flat=True))
    assert {ConsensusEventKind.CLOSED, ConsensusEventKind.REOPENED} <= kinds


def test_hide_needs_a_reason_and_leaves_the_matrix(question, staff, residents):
    statement = services.statement_add(question=question, actor=residents[3], body="应该卖酒")
    with pytest.raises(ValidationFailed):
        services.statement_hide(statement=statement, actor=staff, reason=" ")
    with pytest.raises(PermissionDenied):
        services.statement_hide(statement=statement, actor=residents[1], reason="不合适")
    version = type(question).objects.get(pk=question.pk).votes_version
    services.statement_hide(statement=statement, actor=staff, reason="与食堂无关")
    statement.refresh_from_db()
    assert statement.hidden_reason == "与食堂无关" and statement.hidden_by == staff
    assert type(question).objects.get(pk=question.pk).votes_version == version + 1
    with pytest.raises(Conflict):
        services.statement_vote(statement=statement, actor=residents[1], opinion="agree")
    with pytest.raises(Conflict):
        services.statement_hide(statement=statement, actor=staff, reason="again")
    # Residents no longer see it; the moderator does.
    with pytest.raises(NotFound):
        selectors.access_statement(user=residents[1], statement_id=statement.pk)
    assert selectors.access_statement(user=staff, statement_id=statement.pk) == statement


def test_next_statement_walks_every_statement_once(question, residents):
    person = residents[4]
    seen = []
    while (statement := selectors.next_statement(user=person, question=question)) is not None:
        seen.append(statement.pk)
        services.statement_vote(statement=statement, actor=person, opinion="pass")
    assert sorted(seen) == sorted(s.pk for s in seeds(question))
    assert selectors.progress(user=person, question=question) == (6, 6)


def _vote_in_two_camps(question, people, statements):
    """Camp 0 agrees with the even statements and rejects the odd ones; camp 1 the other
    way round; everyone agrees with the last one."""
    for i, person in enumerate(people):
        camp = i % 2
        for j, statement in enumerate(statements):
            if j == len(statements) - 1:
                opinion = "agree"
            else:
                opinion = "agree" if (j % 2 == camp) else "disagree"
            services.statement_vote(statement=statement, actor=person, opinion=opinion)


def test_worker_computes_the_map_only_when_votes_changed(question, make_resident):
    people = [make_resident(JIEFANG_G1, name=f"食客{i}") for i in range(16)]
    statements = seeds(question)
    _vote_in_two_camps(question, people, statements)

    refresh_maps.enqueue()
    assert run_queued("refresh_maps") == 1
    result = ConsensusResult.objects.get(question=question)
    assert result.data["k"] == 2 and result.data["placed"] == 16
    groups = result.data["groups"]
    assert sorted(g["size"] for g in groups) == [8, 8]
    # The camps are the groups.
    placements = dict(
        ConsensusPlacement.objects.filter(question=question).values_list("user_id", "group")
    )
    camp0 = {placements[p.pk] for i, p in enumerate(people) if i % 2 == 0}
    camp1 = {placements[p.pk] for i, p in enumerate(people) if i % 2 == 1}
    assert len(camp0) == 1 and len(camp1) == 1 and camp0 != camp1
    # The statement everyone agrees with is the consensus.
    assert result.data["consensus"][0]["statement"] == statements[-1].pk
    # Each group's representative statements are its camp's.
    group_of_camp0 = camp0.pop()
    index = {s.pk: j for j, s in enumerate(statements)}
    reps = groups[group_of_camp0]["representative"]
    assert reps
    for rep in reps:  # camp 0 agrees with the even ones and rejects the odd ones
        assert index[rep["statement"]] % 2 == (0 if rep["direction"] == "agree" else 1)

    # Nothing changed: the next run computes nothing.
    computed_at = result.computed_at
    assert services.maps_refresh() == 0
    # A vote makes the map stale: the page says so until the worker runs.
    services.statement_vote(statement=statements[0], actor=people[1], opinion="agree")
    question.refresh_from_db()  # as a page reads it
    view = selectors.map_view(user=people[0], question=question)
    assert view.stale and view.computed_at == computed_at
    assert services.maps_refresh() == 1
    question.refresh_from_db()
    assert not selectors.map_view(user=people[0], question=question).stale


def test_map_view_shows_groups_not_people(question, make_resident, settings):
    people = [make_resident(JIEFANG_G1, name=f"食客{i}") for i in range(16)]
    _vote_in_two_camps(question, people, seeds(question))
    services.maps_refresh()
    view = selectors.map_view(user=people[0], question=question)
    assert view.ready and len(view.groups) == 2
    assert view.me is not None and view.my_group in ("A", "B")
    assert sum(g.mine for g in view.groups) == 1
    # Another person sees their own marker, not this one's.
    other = selectors.map_view(user=people[1], question=question)
    assert other.me != view.me
    # Groups below the minimum size are counted, never drawn or described.
    settings.CONSENSUS_MIN_GROUP = 9
    question.refresh_from_db()
    type(question).objects.filter(pk=question.pk).update(votes_version=0)
    ConsensusResult.objects.all().delete()
    services.map_compute(question=question)
    small = selectors.map_view(user=people[0], question=question)
    assert small.groups == [] and small.small_groups == 0 and not small.ready


def test_a_newer_result_is_not_overwritten_by_an_older_one(question, make_resident):
    people = [make_resident(JIEFANG_G1, name=f"食客{i}") for i in range(12)]
    _vote_in_two_camps(question, people, seeds(question))
    result = services.map_compute(question=question)
    ConsensusResult.objects.filter(pk=result.pk).update(version=result.version + 5)
    again = services.map_compute(question=question)
    assert again.version == result.version + 5


def test_participation_source_counts_by_act_date(question, residents, regions):
    services.statement_vote(statement=seeds(question)[0], actor=residents[5], opinion="agree")
    yesterday = clock.local_now().date() - dt.timedelta(days=1)
    within = regions[JIEFANG].path
    assert deliberation_participation.count(within, len(within), yesterday, yesterday) == {
        within: 0
    }
    rows = deliberation_participation.rows(within, yesterday, clock.local_now().date())
    assert rows.filter(Q(kind=ActKind.CONSENSUS), user=residents[5]).count() == 1
