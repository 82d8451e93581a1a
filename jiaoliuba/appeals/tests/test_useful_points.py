"""诉求经确认有价值 (APPEAL_USEFUL, +5 by default): staff resolving a resident's appeal is
the confirmation; it pays once per appeal, never for an anonymous, repeated or rejected
appeal, and never lets staff confirm their own."""

from jiaoliuba.appeals import services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.points.selectors import balance_of
from jiaoliuba.testing.fixtures import JIEFANG_G1


def _useful(user):
    return PointsEntry.objects.filter(account__user=user, act=Act.APPEAL_USEFUL)


def _resolve(appeal, who):
    services.appeal_accept(appeal=appeal, actor=who)
    return services.appeal_resolve(appeal=appeal, actor=who, reply="已上门协调。")


def test_a_resolved_appeal_pays_its_resident_once(submit, staff, resident):
    appeal = _resolve(submit(), staff["grid1"])
    entry = _useful(resident).get()
    assert (entry.amount, entry.actor_id) == (5, staff["grid1"].pk)
    assert entry.key == f"earn:appeal_useful:appeals.appeal:{appeal.pk}:{resident.pk}"
    # Reopened and resolved again: still the same appeal, nothing more.
    services.appeal_reopen(appeal=appeal, actor=staff["community"], reason="居民反映仍然吵")
    _resolve(appeal, staff["grid1"])
    assert balance_of(resident) == 5


def test_anonymous_rejected_and_own_appeals_pay_nothing(submit, staff, make_resident):
    hidden = make_resident(JIEFANG_G1, name="匿名居民")
    _resolve(submit(user=hidden, is_anonymous=True), staff["grid1"])
    assert not _useful(hidden).exists()
    rejected_by = make_resident(JIEFANG_G1, name="无效诉求")
    services.appeal_reject(
        appeal=submit(user=rejected_by), actor=staff["community"], reason="不属于本平台"
    )
    assert not _useful(rejected_by).exists()
    # Whoever confirms must be staff, and not the resident themselves.
    appeal = submit()
    assert services.appeal_useful_credit(appeal=appeal, confirmed_by=appeal.submitter) is None
    assert not _useful(appeal.submitter).exists()
