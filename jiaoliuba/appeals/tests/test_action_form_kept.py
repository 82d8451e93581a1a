"""Nothing a user wrote is ever lost: a refused action on the appeal page renders the
page again with the error and the text still in its field (no redirect)."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import AppealEvent

pytestmark = pytest.mark.django_db


def _field(page: str, element_id: str) -> str:
    """The text inside the textarea with this id, as the browser shows it."""
    match = re.search(rf'<textarea[^>]*id="{element_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, element_id
    return htmllib.unescape(match.group(1))


def test_a_too_long_reply_comes_back_with_the_error_and_the_text(client, submit, staff):
    appeal = services.appeal_accept(appeal=submit(), actor=staff["grid1"])
    client.force_login(staff["grid1"])
    typed = "已联系楼上住户<b>协商</b>，" + "说明" * 1000  # 2,011 characters: one too many
    response = client.post(f"/appeals/{appeal.pk}/do/reply/", {"message": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "2000" in page and "msg-error" in page
    assert _field(page, "reply-message") == typed
    assert _field(page, "bar-reply-text") == typed
    # The form it belongs to is open, so the person sees their text at once.
    assert re.search(r"<details open><summary>[^<]*</summary>\s*<form[^>]*do/reply/", page)
    assert not AppealEvent.objects.filter(appeal=appeal, kind="replied").exists()


def test_a_resolve_on_an_appeal_resolved_meanwhile_keeps_the_reply(client, submit, staff):
    """The second tab: the appeal moved on, the form is gone, the text is kept apart."""
    appeal = services.appeal_accept(appeal=submit(), actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已上门协调")
    client.force_login(staff["grid1"])
    typed = "双方约定晚九点后不再跳绳 & 已签字"
    response = client.post(f"/appeals/{appeal.pk}/do/resolve/", {"reply": typed})
    assert response.status_code == 409
    page = response.content.decode()
    assert "msg-error" in page
    assert f'action="/appeals/{appeal.pk}/do/resolve/"' not in page  # no longer offered
    # The language and text-size switches lead back to the page, not to the POST address.
    assert f'name="next" value="/appeals/{appeal.pk}/"' in page
    assert f'name="next" value="/appeals/{appeal.pk}/do/' not in page
    match = re.search(
        r'id="unsent-resolve".*?<textarea[^>]*data-field="reply">(.*?)</textarea>', page, re.S
    )
    assert match and htmllib.unescape(match.group(1)) == typed
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED and appeal.reply == "已上门协调"


def test_an_empty_reason_keeps_what_else_was_typed(client, submit, staff):
    appeal = services.appeal_accept(appeal=submit(), actor=staff["grid1"])
    client.force_login(staff["grid1"])
    response = client.post(
        f"/appeals/{appeal.pk}/do/extension/", {"working_days": "7", "reason": "  "}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "msg-error" in page
    assert 'name="working_days" min="1" max="30" value="7"' in page


def test_a_success_still_redirects(client, submit, staff):
    appeal = services.appeal_accept(appeal=submit(), actor=staff["grid1"])
    client.force_login(staff["grid1"])
    response = client.post(f"/appeals/{appeal.pk}/do/reply/", {"message": "马上处理"})
    assert response.status_code == 302
