"""`jiaoliuba triage evaluate --file`: measuring on text written outside the corpus."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "content": "楼下那户老人好几天没见出门了，敲门也没人应",
        "priority": "red",
        "category": "safety",
    },
    {
        "content": "请问社区的老年食堂怎么报名，每个月多少钱",
        "priority": "blue",
        "category": "livelihood",
    },
    {"content": "楼上天天半夜跳绳，吵得睡不着", "priority": "yellow", "category": "neighbor"},
    {"content": "建议小区多办几场读书会", "priority": "blue", "category": "suggestion"},
]


def _write(tmp_path, rows):
    path = tmp_path / "outside.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_evaluate_a_file_of_outside_text(tmp_path):
    out = io.StringIO()
    call_command("triage", "evaluate", "--file", str(_write(tmp_path, ROWS)), stdout=out)
    report = json.loads(out.getvalue())
    assert report["n"] == 4
    assert sum(map(sum, report["priority_confusion"])) == 4
    # One red row: recall is that row's verdict, and the confusion matrix says the same.
    assert report["red_recall"] == report["priority_confusion"][0][0]


@pytest.mark.parametrize(
    "bad, said",
    [
        ({"content": "路灯坏了", "priority": "orange", "category": "property"}, "unknown priority"),
        ({"content": "路灯坏了", "priority": "red"}, "needs content, priority and category"),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_measured(tmp_path, bad, said):
    out = io.StringIO()
    with pytest.raises(CommandError, match=said):
        call_command(
            "triage", "evaluate", "--file", str(_write(tmp_path, [*ROWS, bad])), stdout=out
        )
    assert out.getvalue() == ""


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("triage", "evaluate", "--file", str(tmp_path / "none.jsonl"))
