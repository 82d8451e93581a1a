"""The appeal loop tells the points ledger of 调解纠纷成功 (+30 by default): a resident who
mediated to an agreement is credited once; a staff mediator, or no agreement, earns nothing."""

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db
PARTIES = [("王先生", "楼上", ""), ("李女士", "楼下", "")]


def mediate(submit, staff, mediator, outcome):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    mediation = services.mediation_start(
        appeal=appeal, actor=staff["grid1"], mediator=mediator, parties=PARTIES
    )
    return services.mediation_conclude(
        mediation=mediation, actor=mediator, outcome=outcome, agreement_text="晚九点后不跳绳"
    )


def test_a_resident_mediator_earns_points_for_an_agreement(submit, staff, make_resident):
    elder = make_resident(JIEFANG_G1, name="老党员刘叔")
    mediation = mediate(submit, staff, elder, "agreement")
    entry = PointsEntry.objects.get(act=Act.MEDIATION_AGREED)
    assert entry.account.user == elder and entry.amount == 30
    assert entry.key.endswith(f"appeals.mediation:{mediation.pk}:{elder.pk}")
    assert balance_of(elder) == 30


def test_staff_mediators_and_failed_mediations_earn_nothing(submit, staff, make_resident):
    mediate(submit, staff, staff["grid1"], "agreement")
    mediate(submit, staff, make_resident(JIEFANG_G1), "no_agreement")
    assert not PointsEntry.objects.exists()
