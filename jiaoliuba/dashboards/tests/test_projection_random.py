"""Random walks through the appeal loop, with the rollups caught up at random moments:
whatever happens, the live rollups equal a rebuild from the appeals, row for row."""

import contextlib
import datetime as dt
import random
import statistics

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import MediationOutcome, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, Mediation
from jiaoliuba.core.errors import ApplicationError
from jiaoliuba.dashboards import selectors, sources
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import AppealFact
from jiaoliuba.dashboards.periods import Period, period_containing
from jiaoliuba.dashboards.tests.conftest import local
from jiaoliuba.dashboards.tests.scenario import DOG, LIGHT, NOISE, PARKING, RUBBISH, TWO
from jiaoliuba.dashboards.tests.test_figures import snapshot
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import CITY, JIEFANG_G1, JIEFANG_G2

pytestmark = pytest.mark.django_db

TEXTS = [NOISE, DOG, LIGHT, PARKING, RUBBISH]
# Signing and resolving are what mostly happens; the rarer moves still come up.
ACTIONS = [
    "accept",
    "resolve",
    "rate",
    "reopen",
    "reject",
    "merge",
    "return",
    "extend",
    "mediate",
    "conclude",
    "dispatch",
    "join",
    "mark_repeat",
    "unmark_repeat",
]
WEIGHTS = [6, 4, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]


def _step(rng, staff, residents, submit):
    appeals = list(Appeal.objects.order_by("pk"))
    open_ = [
        a for a in appeals if a.status in (Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS)
    ]
    roll = rng.random()
    if roll < 0.25 or not appeals:
        who = rng.randrange(len(residents))
        submit(
            residents[who],
            rng.choice(TEXTS) + f"（第{len(appeals) + 1}次）",
            grid=rng.choice([JIEFANG_G1, JIEFANG_G2]),
            is_anonymous=rng.random() < 0.2,
        )
        return
    action = rng.choices(ACTIONS, weights=WEIGHTS)[0]
    waiting = [a for a in appeals if a.status == Status.DISPATCHED]
    pool = {"accept": waiting, "resolve": open_, "return": open_, "extend": open_}.get(action)
    appeal = rng.choice(pool or appeals)
    handler = appeal.assignee or staff["secretary"]
    if action == "accept":
        services.appeal_accept(appeal=appeal, actor=handler)
    elif action == "resolve":
        services.appeal_resolve(appeal=appeal, actor=handler, reply="已处理")
    elif action == "rate":
        services.appeal_rate(
            appeal=appeal,
            actor=appeal.submitter,
            level=rng.choice(RatingLevel.values),
            solved=rng.random() < 0.6,
        )
    elif action == "reopen":
        services.appeal_reopen(appeal=appeal, actor=staff["secretary"], reason="居民仍不满意")
    elif action == "reject":
        services.appeal_reject(appeal=appeal, actor=staff["community"], reason="无效")
    elif action == "merge" and open_:
        services.appeal_merge(appeal=appeal, master=rng.choice(open_), actor=staff["community"])
    elif action == "join":
        # "+1": a merged appeal that still makes its resident a participant.
        services.appeal_join(master=appeal, resident=rng.choice(residents))
    elif action == "return":
        services.appeal_return(appeal=appeal, actor=handler, reason="不属于本网格")
    elif action == "dispatch":
        services.appeal_dispatch(
            appeal=appeal,
            actor=staff["community"],
            region=appeal.grid or appeal.community,
            role="grid_worker",
        )
    elif action == "mark_repeat":
        earlier = [a for a in appeals if a.submitter_id == appeal.submitter_id and a.pk < appeal.pk]
        if earlier:
            services.appeal_mark_repeat(
                appeal=appeal, earlier=rng.choice(earlier), actor=staff["community"]
            )
    elif action == "unmark_repeat":
        linked = [a for a in appeals if a.repeat_of_id] or appeals
        services.appeal_unmark_repeat(
            appeal=rng.choice(linked), actor=staff["community"], reason="不是同一件事"
        )
    elif action == "extend":
        extension = services.appeal_extension_request(
            appeal=appeal, actor=handler, working_days=2, reason="需要时间"
        )
        services.appeal_extension_decide(
            extension=extension, actor=staff["secretary"], approve=rng.random() < 0.7
        )
    elif action == "mediate":
        services.mediation_start(appeal=appeal, actor=handler, mediator=handler, parties=TWO)
    elif action == "conclude":
        mediation = Mediation.objects.filter(concluded_at__isnull=True).first()
        if mediation:
            services.mediation_conclude(
                mediation=mediation,
                actor=staff["secretary"],
                outcome=rng.choice([MediationOutcome.NO_AGREEMENT, MediationOutcome.REFERRED]),
            )


FACT_COLUMNS = [f.attname for f in AppealFact._meta.concrete_fields]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_live_rollups_equal_a_rebuild_after_a_random_walk(seed, at, submit, staff, residents):
    rng = random.Random(seed)
    moment = local(2026, 11, 2, 8, 0)
    for _ in range(90):
        moment += dt.timedelta(hours=rng.uniform(0.1, 12))
        at(*moment.timetuple()[:5])
        # A move the state machine refuses changes nothing; the walk goes on.
        with contextlib.suppress(ApplicationError):
            _step(rng, staff, residents, submit)
        if rng.random() < 0.3:
            dashboard_services.rollups_sync()
    dashboard_services.rollups_sync()
    assert Appeal.objects.count() > 10
    assert len(set(Appeal.objects.values_list("status", flat=True))) >= 4  # a varied walk

    city = Region.objects.get(code=CITY)
    everything = Period("custom", dt.date(2026, 10, 1), dt.date(2027, 3, 1))
    live_rows = snapshot()
    live_figures = {
        k: f.value for k, f in selectors.kpi_figures(region=city, period=everything).items()
    }
    # The facts themselves too: the live path writes only facts that changed and
    # recomputes participation chains only for submitters whose acts moved.
    live_facts = set(AppealFact.objects.values_list(*FACT_COLUMNS))
    dashboard_services.rollups_rebuild()
    assert snapshot() == live_rows
    assert set(AppealFact.objects.values_list(*FACT_COLUMNS)) == live_facts
    rebuilt = {k: f.value for k, f in selectors.kpi_figures(region=city, period=everything).items()}
    assert rebuilt == live_figures
    assert live_figures["received"] == Appeal.objects.count()

    # The band-and-index median and the first-act participant count against brute force.
    times = list(
        AppealFact.objects.exclude(response_time=None).values_list("response_time", flat=True)
    )
    assert len(times) > 10, times
    assert live_figures["response_hours_median"] * 3600 == pytest.approx(statistics.median(times))
    # Participants straight from the rule: everyone with an appeal not rejected as
    # invalid, merged ones and "+1" joins included.
    acts = AppealFact.objects.filter(submitter__isnull=False).exclude(
        appeal__status=Status.REJECTED
    )
    assert acts.filter(appeal__status=Status.MERGED).exists()
    people = set(acts.values_list("submitter_id", flat=True))
    assert live_figures["participation_rate"] == pytest.approx(len(people) / len(residents))
    later = Period("custom", dt.date(2026, 11, 20), dt.date(2027, 3, 1))
    in_later = set(acts.filter(day__gte=later.start).values_list("submitter_id", flat=True))
    figure = selectors.kpi_figures(region=city, period=later)["participation_rate"]
    assert figure.numerator == len(in_later)
    # Calendar periods read the first-act flags instead; same answer as brute force,
    # for the period and for the one before it.
    for kind in ("week", "month", "quarter", "year"):
        period = period_containing(kind, dt.date(2026, 11, 20))
        for span in (period, period.previous()):
            people = set(
                acts.filter(day__gte=span.start, day__lte=span.end).values_list(
                    "submitter_id", flat=True
                )
            )
            counted = sources.participants(city.path, len(city.path), span.start, span.end, kind)
            assert counted.get(city.path, 0) == len(people), (kind, span)
