"""The admin in Chinese (issue 9, item 21): django-tasks, projection states and column
headers translated, region choosers that search by name, and a routing-rule form that
never offers a resident (or a volunteer) as the handler."""

import re

import pytest

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.models import RoutingRule
from jiaoliuba.appeals.tasks import risk_check
from jiaoliuba.dashboards.models import ProjectionState
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, regions):
    root = User.objects.create_superuser("root", "s3cret-pass-123")
    client.force_login(root, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    client.cookies["django_language"] = "zh-hans"
    return client


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_index_names_every_app_and_model_in_chinese(admin_client):
    text = visible_text(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    for english in (
        "Tasks Database Backend",
        "Task Results",
        "Projection states",
        "Model name",
        "Add link",
        "Change or view list link",
    ):
        assert english not in text, english
    assert "后台任务" in text and "任务结果" in text and "汇总进度" in text


def test_task_results_and_projection_states_in_chinese(admin_client, submit):
    risk_check.enqueue(submit().pk)
    ProjectionState.objects.get_or_create(name="appeals")
    tasks = visible_text(admin_client.get("/admin/django_tasks_database/dbtaskresult/"))
    for english in ("Task name", "Queue name", "queue name", "Enqueued at", "Ready", "Task Result"):
        assert english not in tasks, english
    assert "队列名称" in tasks and "就绪" in tasks and "任务" in tasks
    states = visible_text(admin_client.get("/admin/dashboards/projectionstate/"))
    for english in ("Seen id", "Safe id", "Rebuilt at", "Updated at", "projection state"):
        assert english not in states, english
    assert "最新已处理事件" in states and "汇总进度" in states


def test_appeal_page_has_chinese_headers_and_plain_reasons(admin_client, submit):
    appeal = submit()
    text = visible_text(admin_client.get(f"/admin/appeals/appeal/{appeal.pk}/change/"))
    for english in ("Current due at", "First response at", "Routing reason", "Next check at"):
        assert english not in text, english
    assert "rule:" not in text and "model:" not in text
    assert "dispatched" not in text and "submitted" not in text  # event statuses by name
    assert "首次响应时间" in text and "派单依据" in text


def test_routing_rule_form_never_offers_a_resident(admin_client, regions):
    page = admin_client.get("/admin/appeals/routingrule/add/").content.decode()
    for field in ("target_role", "notify_role"):
        select = re.search(rf'<select name="{field}".*?</select>', page, flags=re.S).group(0)
        assert 'value="resident"' not in select and 'value="volunteer"' not in select, field
        assert 'value="grid_worker"' in select
    # The region is chosen by searching its name, not by typing an id.
    assert 'name="region"' in page and "admin-autocomplete" in page
    refused = admin_client.post(
        "/admin/appeals/routingrule/add/",
        {
            "name": "居民自办",
            "target_role": "resident",
            "target_level": "community",
            "active": "on",
        },
    )
    assert refused.status_code == 200 and not RoutingRule.objects.exists()


def test_region_chooser_searches_by_name(admin_client, regions):
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "appeals",
            "model_name": "routingrule",
            "field_name": "region",
            "term": "解放",
        },
    ).json()
    ids = {r["id"] for r in found["results"]}
    assert str(regions[JIEFANG].pk) in ids
