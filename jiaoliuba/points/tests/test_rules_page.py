"""积分规则 outside the admin: city administrators edit through points_rule_save (audited);
bad values are refused field by field and change nothing; street and district officers
read only; anyone else gets a 404."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.models import AuditLog
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsRule
from jiaoliuba.points.services import rule_for
from jiaoliuba.testing.fixtures import CITY, DONGFENG, JIEFANG, YICHENG

pytestmark = pytest.mark.django_db
URL = "/workbench/points/rules/"


def _form(act, **changes):
    form = {"act": act, "points": "2", "daily_cap": "10", "monthly_cap": "40", "active": "1"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def city_admin(make_staff):
    return make_staff(Role.CITY_ADMIN, CITY)


def test_a_city_administrator_edits_a_rule_and_it_is_audited(client, city_admin):
    client.force_login(city_admin)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for act in Act:
        assert f'id="rule-{act.value}"' in body
    assert 'id="read-only"' not in body
    # Nothing was written by reading: the defaults are shown unsaved.
    assert not PointsRule.objects.exists()
    answer = client.post(
        URL, _form(Act.VOTE_CAST, points="3", daily_cap="", monthly_cap="30", expiry_days="365")
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#rule-vote_cast")
    rule = PointsRule.objects.get(act=Act.VOTE_CAST)
    assert (rule.points, rule.daily_cap, rule.monthly_cap, rule.expiry_days) == (3, None, 30, 365)
    assert rule.active and not rule.needs_confirmation
    log = AuditLog.objects.get(action="points.rule_save")
    assert log.actor == city_admin
    # An adopted suggestion may stop needing confirmation, and may be switched off.
    client.post(URL, _form(Act.SUGGESTION_ADOPTED, points="50", active=None))
    adopted = PointsRule.objects.get(act=Act.SUGGESTION_ADOPTED)
    assert (adopted.needs_confirmation, adopted.active) == (False, False)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"points": "0"}, "points", "至少 1 分"),
        ({"points": "abc"}, None, "须为整数"),
        ({"daily_cap": "50", "monthly_cap": "40"}, "daily_cap", "不能高于每月上限"),
        ({"expiry_days": "0"}, "expiry_days", "至少为 1"),
        ({"needs_confirmation": "1"}, "needs_confirmation", "没有人确认"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(client, city_admin, changes, field, says):
    before = rule_for(Act.VOTE_CAST)
    client.force_login(city_admin)
    answer = client.post(URL, _form(Act.VOTE_CAST, **changes))
    assert answer.status_code == 400
    card = answer.content.decode().split('id="rule-vote_cast"')[1].split("</form>")[0]
    assert says in card, card
    if field:
        assert 'class="field-error"' in card
    # What was typed stays in the form; the rule and the audit log do not move.
    for value in changes.values():
        assert f'value="{value}"' in card or value == "1"
    after = PointsRule.objects.get(act=Act.VOTE_CAST)
    assert (after.points, after.daily_cap, after.monthly_cap, after.expiry_days) == (
        before.points,
        before.daily_cap,
        before.monthly_cap,
        before.expiry_days,
    )
    assert not AuditLog.objects.filter(action="points.rule_save").exists()


def test_street_and_district_officers_read_others_do_not_see_it(client, make_staff, make_resident):
    for role, region in ((Role.STREET_OFFICER, DONGFENG), (Role.DISTRICT_OFFICER, YICHENG)):
        client.force_login(make_staff(role, region))
        page = client.get(URL)
        assert page.status_code == 200
        body = page.content.decode()
        rules = body.split('class="rule-list"')[1]
        assert 'id="read-only"' in body and "disabled" in rules and 'type="submit"' not in rules
        refused = client.post(URL, _form(Act.VOTE_CAST, points="9"))
        assert refused.status_code == 403
        assert "只有市级管理员" in refused.content.decode()
    assert not PointsRule.objects.filter(points=9).exists()
    for user in (make_staff(Role.COMMUNITY_SECRETARY, JIEFANG), make_resident()):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _form(Act.VOTE_CAST, points="9")).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
