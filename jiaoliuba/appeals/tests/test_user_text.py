"""Text people type is data: never a format string, never a template (issue 9 item 2)."""

import pytest

from jiaoliuba.appeals.choices import RatingLevel, Status
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.notifications.models import Notification

TRICKY = [
    "物业费涨了30%，太多了",
    "{% debug %} {{ request }}",
    "请看%(number)s和%s和%d 100%",
]


def _body(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).latest("pk").body


@pytest.mark.parametrize("text", TRICKY)
def test_reply_and_rating_comment_through_the_web_form(text, submit, staff, resident, login_client):
    appeal = submit()
    grid = login_client(staff["grid1"])
    url = f"/appeals/{appeal.pk}/"
    grid.post(f"{url}do/accept/")
    response = grid.post(f"{url}do/reply/", {"message": text}, follow=True)
    assert response.status_code == 200
    assert _body(resident, "appeal.replied") == text
    assert text in [e.message for e in appeal.events.all()]
    page = grid.get(url)
    assert page.status_code == 200
    assert "答复已发送给居民" in response.content.decode()
    assert "字段" not in response.content.decode()

    grid.post(f"{url}do/resolve/", {"reply": text})
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert _body(resident, "appeal.resolved") == text

    me = login_client(resident)
    response = me.post(
        f"{url}do/rate/", {"level": RatingLevel.UNSATISFIED, "solved": "0", "comment": text}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED
    assert _body(staff["secretary"], "appeal.unsatisfied") == text
    assert me.get(url).status_code == 200


@pytest.mark.parametrize("text", TRICKY)
def test_reply_and_rating_comment_through_the_api(text, submit, staff, resident, api_client):
    appeal = submit()
    grid = api_client(staff["grid1"])
    base = f"/api/v1/appeals/{appeal.pk}"
    assert grid.post(f"{base}/accept").status_code == 200
    r = grid.post(f"{base}/reply", {"message": text}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert _body(resident, "appeal.replied") == text
    r = grid.post(f"{base}/resolve", {"reply": text}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert _body(resident, "appeal.resolved") == text
    r = api_client(resident).post(
        f"{base}/rate",
        {"level": RatingLevel.UNSATISFIED, "solved": False, "comment": text},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert _body(staff["secretary"], "appeal.unsatisfied") == text
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RATED


def test_reasons_are_data_in_return_and_reject_notices(submit, staff, resident, api_client):
    appeal = submit()
    grid = api_client(staff["grid1"])
    text = "不归我管%(number)s 50%"
    r = grid.post(
        f"/api/v1/appeals/{appeal.pk}/return", {"reason": text}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert _body(staff["secretary"], "appeal.returned") == text
    # our own templates are still filled in
    title = Notification.objects.filter(kind="appeal.returned").latest("pk").title
    assert appeal.number in title and "%(" not in title
