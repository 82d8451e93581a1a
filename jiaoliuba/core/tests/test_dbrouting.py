"""The router's rules without a replica (the suite's databases): reads and writes on the
primary, replica_reads() a no-op. With a real streaming standby:
dashboards/tests/test_replica.py."""

import pytest
from django.db import DEFAULT_DB_ALIAS, router

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import dbrouting
from jiaoliuba.dashboards.models import ProjectionState

pytestmark = pytest.mark.django_db


def test_without_a_replica_everything_is_on_the_primary():
    assert not dbrouting.replica_configured()
    assert router.db_for_read(Appeal) == DEFAULT_DB_ALIAS
    with dbrouting.replica_reads() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert router.db_for_read(ProjectionState) == DEFAULT_DB_ALIAS
        assert router.db_for_write(ProjectionState) == DEFAULT_DB_ALIAS
        assert ProjectionState.objects.count() == 0
    assert dbrouting.reading_from() == DEFAULT_DB_ALIAS


def test_writes_and_migrations_never_go_to_the_replica():
    route = dbrouting.ReplicaRouter()
    token = dbrouting._reads.set(dbrouting.REPLICA)
    try:
        assert route.db_for_read(Appeal) == dbrouting.REPLICA
        assert route.db_for_write(Appeal) == DEFAULT_DB_ALIAS
    finally:
        dbrouting._reads.reset(token)
    assert route.db_for_read(Appeal) == DEFAULT_DB_ALIAS
    assert route.allow_migrate(dbrouting.REPLICA, "appeals") is False
    assert route.allow_migrate(DEFAULT_DB_ALIAS, "appeals") is None


def test_a_replica_read_function_runs_once_and_returns_its_value():
    calls = []

    @dbrouting.reads_from_replica
    def read(value):
        calls.append(dbrouting.reading_from())
        return value * 2

    assert read(21) == 42
    assert calls == [DEFAULT_DB_ALIAS]
