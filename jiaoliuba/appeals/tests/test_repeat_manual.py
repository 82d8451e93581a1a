"""Issue 9, item 20: staff mark an appeal as a repeat of the same person's earlier one by
hand (a paraphrase the bigram check misses) and undo it."""

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.testing.fixtures import JIEFANG_G1, JIEFANG_G2

pytestmark = pytest.mark.django_db

FIRST = "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效"
# The same complaint told differently: too few shared bigrams for the automatic check.
PARAPHRASE = "深夜头顶咚咚响个不停，孩子被吵醒好几回了"


@pytest.fixture
def pair(submit):
    first = submit(FIRST)
    second = submit(PARAPHRASE)
    assert not second.is_repeat  # the automatic check misses it
    return first, second


def test_mark_and_unmark_with_events(pair, staff):
    first, second = pair
    marked = services.appeal_mark_repeat(
        appeal=second, earlier=first, actor=staff["grid1"], note="同一件事，说法不同"
    )
    stored = Appeal.objects.get(pk=second.pk)
    assert marked.is_repeat and stored.is_repeat and stored.repeat_of_id == first.pk
    event = AppealEvent.objects.get(appeal=second, kind="repeat_marked")
    assert event.actor == staff["grid1"] and event.data == {
        "repeat_of": first.number,
        "manual": True,
    }
    assert not event.visible_to_resident
    with pytest.raises(Conflict):
        services.appeal_mark_repeat(appeal=second, earlier=first, actor=staff["grid1"])

    with pytest.raises(ValidationFailed):
        services.appeal_unmark_repeat(appeal=second, actor=staff["grid1"], reason="  ")
    services.appeal_unmark_repeat(appeal=second, actor=staff["grid1"], reason="不是同一件事")
    stored.refresh_from_db()
    assert not stored.is_repeat and stored.repeat_of_id is None
    undo = AppealEvent.objects.get(appeal=second, kind="repeat_unmarked")
    assert undo.message == "不是同一件事" and undo.data == {"repeat_of": first.number}
    with pytest.raises(Conflict):
        services.appeal_unmark_repeat(appeal=second, actor=staff["grid1"], reason="再撤一次")


def test_an_automatic_mark_can_be_undone(submit, staff):
    first = submit("楼上邻居每晚跳绳，噪音很大")
    second = submit("楼上邻居每晚又在跳绳，噪音还是很大")
    assert second.repeat_of_id == first.pk
    services.appeal_unmark_repeat(appeal=second, actor=staff["community"], reason="两件不同的事")
    assert not Appeal.objects.get(pk=second.pk).is_repeat


def test_earlier_appeal_out_of_scope_is_404(submit, staff, api_client):
    first = submit(FIRST, grid=JIEFANG_G2)  # the same resident, filed in the other grid
    second = submit(PARAPHRASE)
    with pytest.raises(NotFound):
        services.appeal_mark_repeat(appeal=second, earlier=first, actor=staff["grid1"])
    response = api_client(staff["grid1"]).post(
        f"/api/v1/appeals/{second.pk}/repeat",
        {"earlier": first.number},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Appeal.objects.get(pk=second.pk).is_repeat
    # The community's staff hold both: allowed.
    response = api_client(staff["community"]).post(
        f"/api/v1/appeals/{second.pk}/repeat",
        {"earlier": first.number, "note": "同一件事"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_repeat"] and response.json()["repeat_of"] == first.number


def test_refused_for_another_person_a_later_appeal_and_a_resident(
    submit, staff, make_resident, resident
):
    first, second = submit(FIRST), submit(PARAPHRASE)
    other = submit(PARAPHRASE + "，我也是", user=make_resident(JIEFANG_G1))
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_mark_repeat(appeal=other, earlier=first, actor=staff["community"])
    assert refused.value.code == "not_same_person"
    with pytest.raises(ValidationFailed):
        services.appeal_mark_repeat(appeal=first, earlier=second, actor=staff["community"])
    with pytest.raises(PermissionDenied):
        services.appeal_mark_repeat(appeal=second, earlier=first, actor=resident)


def test_anonymous_appeals_are_refused_alike_whoever_filed_them(
    submit, staff, make_resident, api_client
):
    first = submit(FIRST)
    own = submit(PARAPHRASE, is_anonymous=True)
    stranger = submit(PARAPHRASE + "。", user=make_resident(JIEFANG_G1), is_anonymous=True)
    answers = []
    for appeal in (own, stranger):
        response = api_client(staff["community"]).post(
            f"/api/v1/appeals/{appeal.pk}/repeat",
            {"earlier": first.number},
            content_type="application/json",
        )
        answers.append((response.status_code, response.json()["code"]))
    # The same answer for the filer's own and a stranger's: nothing to learn from it.
    assert answers == [(400, "anonymous_repeat"), (400, "anonymous_repeat")]
    later = submit(FIRST + "，还是老样子")
    later_auto = Appeal.objects.get(pk=later.pk)
    if later_auto.repeat_of_id:
        services.appeal_unmark_repeat(appeal=later, actor=staff["community"], reason="重来")
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_mark_repeat(appeal=later, earlier=own, actor=staff["community"])
    assert refused.value.code == "anonymous_repeat"


def test_reopened_appeal_stays_a_repeat_after_unmarking(submit, staff):
    first = submit(FIRST)
    second = submit("楼上邻居每晚又在跳绳，休息不好")
    if not Appeal.objects.get(pk=second.pk).repeat_of_id:
        services.appeal_mark_repeat(appeal=second, earlier=first, actor=staff["community"])
    services.appeal_accept(appeal=second, actor=staff["grid1"])
    services.appeal_resolve(appeal=second, actor=staff["grid1"], reply="已处理")
    services.appeal_reopen(appeal=second, actor=staff["secretary"], reason="仍未解决")
    services.appeal_unmark_repeat(appeal=second, actor=staff["community"], reason="说错了")
    stored = Appeal.objects.get(pk=second.pk)
    assert stored.is_repeat and stored.repeat_of_id is None  # reopening counts


def test_staff_page_buttons_mark_and_unmark(pair, staff, login_client):
    first, second = pair
    web = login_client(staff["community"])
    page = web.get(f"/appeals/{second.pk}/").content.decode()
    assert 'id="do-mark-repeat"' in page and 'id="do-unmark-repeat"' not in page
    web.post(f"/appeals/{second.pk}/do/mark_repeat/", {"earlier": first.number, "note": "同事"})
    assert Appeal.objects.get(pk=second.pk).repeat_of_id == first.pk
    page = web.get(f"/appeals/{second.pk}/").content.decode()
    assert 'id="do-unmark-repeat"' in page and first.number in page
    web.post(f"/appeals/{second.pk}/do/unmark_repeat/", {"reason": "不是同一件事"})
    assert not Appeal.objects.get(pk=second.pk).is_repeat


def test_staff_page_of_an_anonymous_appeal_offers_no_repeat_mark(submit, staff, login_client):
    anonymous = submit(PARAPHRASE, is_anonymous=True)
    page = login_client(staff["community"]).get(f"/appeals/{anonymous.pk}/").content.decode()
    assert 'id="do-mark-repeat"' not in page
