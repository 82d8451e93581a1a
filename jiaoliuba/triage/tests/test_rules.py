import json
import os
import subprocess
import sys

import pytest

from jiaoliuba.triage import classifier
from jiaoliuba.triage.models import TriageRule

pytestmark = pytest.mark.django_db


def test_gas_smell_with_property_hint_is_red_safety():
    verdict = classifier.classify(
        text="物业那边楼道里一股燃气味，好几个小时了", type_hint="property"
    )
    assert (verdict.priority, verdict.category) == ("red", "safety")
    assert any(r.startswith("rule:") for r in verdict.reasons)


def test_exclusion_words_keep_harmless_text_from_firing():
    verdict = classifier.classify(text="想问一下燃气费在哪里交", type_hint="")
    assert verdict.priority != "red"


def test_admin_rule_edit_takes_effect_at_once(settings):
    settings.TRIAGE_CACHE_SECONDS = 0
    # (It was the notice board's old poster, 宣传栏的海报旧了, until the corpus grew railings,
    # 护栏/栏杆: the model now files 栏 under hazards and the seed's rule makes it red.)
    text = "社区图书室的书有点旧了，该换一批新的了"
    assert classifier.classify(text=text).priority != "red"
    rule = TriageRule.objects.create(
        name="图书室", priority="red", category="safety", keywords="图书室"
    )
    assert classifier.classify(text=text).priority == "red"
    rule.active = False
    rule.save()
    assert classifier.classify(text=text).priority != "red"


def test_admin_save_bumps_version(admin_client, settings):
    rule = TriageRule.objects.create(
        name="测试", priority="red", category="safety", keywords="护栏断了"
    )
    response = admin_client.post(
        f"/admin/triage/triagerule/{rule.pk}/change/",
        {
            "name": rule.name,
            "priority": rule.priority,
            "category": rule.category,
            "keywords": rule.keywords + ",新词",
            "patterns": rule.patterns,
            "exclude": rule.exclude,
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and "新词" in rule.keywords


def test_bad_regex_is_refused_in_admin(admin_client):
    response = admin_client.post(
        "/admin/triage/triagerule/add/",
        {
            "name": "坏",
            "priority": "red",
            "category": "safety",
            "keywords": "",
            "patterns": "(unclosed",
            "exclude": "",
            "active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not TriageRule.objects.filter(name="坏").exists()


def _offline_env(tmp_path) -> dict[str, str]:
    """`jiaoliuba classify` as an operator runs it: local settings, a database never migrated."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
        "JIAOLIUBA_VAR_DIR": str(tmp_path),
    }


def test_classify_command_reads_and_writes_json_lines(tmp_path):
    lines = [
        {"id": 1, "type": "property", "content": "楼道里一股煤气味"},
        {"id": "b", "type": "", "content": "建议社区多办读书会"},
        {"id": 3, "content": ""},
    ]
    env = _offline_env(tmp_path)
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    result = subprocess.run(
        [sys.executable, "-m", "jiaoliuba", "classify"],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out[:3]] == [1, "b", 3]
    assert out[0]["priority"] == "red" and out[0]["category"] == "safety"
    assert set(out[1]) == {"id", "priority", "category", "confidence"}
    assert out[3]["error"].startswith("line 4")


def test_classify_command_never_imports_scikit_learn(tmp_path):
    # Predicting is numpy on the shipped arrays: scikit-learn (a second of start-up, and
    # the library whose upgrade must not break intake) is for training only.
    env = _offline_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "jiaoliuba", "classify"],
        input=json.dumps({"id": 1, "content": "楼道里一股煤气味"}, ensure_ascii=False) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["priority"] == "red"
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "jiaoliuba.triage.model" in imported
    assert not [name for name in imported if name.split(".")[0] == "sklearn"]
