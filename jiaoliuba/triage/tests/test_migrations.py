"""Migrations 0007, 0008 and 0009 rewrite the default "not red because" rules to
docs/triage-labelling.md on deployed databases, but only the rows that still hold the text
0006 installed; no migration reads the live defaults."""

import importlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiaoliuba.triage import classifier
from jiaoliuba.triage.defaults import builtin_rules
from jiaoliuba.triage.models import TriageRule

GUIDE = importlib.import_module("jiaoliuba.triage.migrations.0007_not_red_rules_to_the_guide")
BEFORE_GUIDE = ("triage", "0006_not_red_rules_from_the_definition")
TO_GUIDE = ("triage", "0007_not_red_rules_to_the_guide")
FOOD_AND_SUGGESTIONS_STEP = ("triage", "0008_food_and_suggestion_rules_to_the_guide")
FOOD_AND_SUGGESTIONS = importlib.import_module(
    "jiaoliuba.triage.migrations.0008_food_and_suggestion_rules_to_the_guide"
)
INSTALLED_BY_0006 = importlib.import_module(
    "jiaoliuba.triage.migrations.0006_not_red_rules_from_the_definition"
).NOT_RED_RULES_2
MIGRATIONS = Path(GUIDE.__file__).parent
TEXT_FIELDS = ("name", "kind", "reason", "priority", "category", "keywords", "patterns", "exclude")


def _text(row: TriageRule) -> dict:
    return {f: getattr(row, f) for f in TEXT_FIELDS}


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _migrate_to_the_latest() -> None:
    """Forwards to the newest triage migration: the database the other tests expect."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("triage"))


def test_no_migration_reads_the_live_defaults():
    # A migration that imports defaults.py installs whatever the defaults say today, not
    # what it meant when it was written; each keeps its texts as literals.
    for path in sorted(MIGRATIONS.glob("0*.py")):
        assert "triage.defaults" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.django_db
def test_the_migrated_database_holds_the_shipped_defaults_word_for_word():
    # A change to defaults.py needs a data migration for deployed databases: this fails
    # until the migrations install what builtin_rules() says.
    rows = {r.name: r for r in TriageRule.objects.all()}
    for rule in builtin_rules():
        row = rows[rule["name"]]
        expected = {f: rule.get(f, "classify" if f == "kind" else "") for f in TEXT_FIELDS}
        assert _text(row) == expected, rule["name"]


@pytest.mark.django_db(transaction=True)
def test_only_rows_still_holding_the_old_default_are_rewritten_and_back():
    old_fear, old_facilities = GUIDE.BEFORE
    new_fear = GUIDE.AFTER[0]
    TriageRule.objects.all().delete()  # the rows the migrations installed, if any
    untouched = TriageRule.objects.create(**old_fear)
    edited = TriageRule.objects.create(
        **{**old_facilities, "keywords": old_facilities["keywords"] + ",楼道里充电,电动车"}
    )
    switched_off = TriageRule.objects.create(**old_facilities, active=False)
    current = TriageRule.objects.create(**new_fear)
    # Another rule with a high version: only `updated_at` can tell the caches of the change.
    other = TriageRule.objects.create(name="别的规则", keywords="避雷针")
    TriageRule.objects.filter(pk=other.pk).update(version=50)
    try:
        # Backwards: the row holding the new text gets the old one; the others are left.
        _migrate(BEFORE_GUIDE)
        current.refresh_from_db()
        assert _text(current) == old_fear and current.version == 2
        versions_before = classifier._rules_version()
        _migrate(TO_GUIDE)  # forwards to this migration (later ones rewrite these rows again)
        _check_0007(untouched, current, switched_off, edited, versions_before)
    finally:
        _migrate_to_the_latest()  # the database is left as the other tests expect


def _check_0007(untouched, current, switched_off, edited, versions_before):
    old_facilities = GUIDE.BEFORE[1]
    new_fear, new_facilities = GUIDE.AFTER
    for row in (untouched, current):
        row.refresh_from_db()
        assert _text(row) == new_fear
    assert (untouched.version, current.version) == (2, 3)
    switched_off.refresh_from_db()
    assert _text(switched_off) == new_facilities and switched_off.active is False
    # An administrator's edited row is left exactly as the administrator left it.
    edited.refresh_from_db()
    assert _text(edited)["keywords"].endswith(",楼道里充电,电动车")
    assert {f: v for f, v in _text(edited).items() if f != "keywords"} == {
        f: v for f, v in old_facilities.items() if f != "keywords"
    }
    assert edited.version == 1
    # Processes holding the rules see the change (count, highest version, latest update).
    assert classifier._rules_version() != versions_before


@pytest.mark.django_db(transaction=True)
def test_0008_rewrites_only_the_food_and_suggestion_rows_still_holding_0006s_text_and_back():
    old_food, old_suggestion = FOOD_AND_SUGGESTIONS.BEFORE
    new_food = FOOD_AND_SUGGESTIONS.AFTER[0]
    # The old text is what 0006 installed, word for word.
    installed = {r["name"]: r for r in INSTALLED_BY_0006}
    assert [installed[r["name"]] for r in FOOD_AND_SUGGESTIONS.BEFORE] == [old_food, old_suggestion]
    TriageRule.objects.all().delete()  # the rows the migrations installed, if any
    untouched = TriageRule.objects.create(**old_food)
    edited = TriageRule.objects.create(
        **{**old_suggestion, "exclude": old_suggestion["exclude"] + ",护栏"}
    )
    switched_off = TriageRule.objects.create(**old_suggestion, active=False)
    current = TriageRule.objects.create(**new_food)
    other = TriageRule.objects.create(name="别的规则", keywords="避雷针")
    TriageRule.objects.filter(pk=other.pk).update(version=50)
    try:
        # Backwards: the row holding the new text gets the old one; the others are left.
        _migrate(TO_GUIDE)
        current.refresh_from_db()
        assert _text(current) == old_food and current.version == 2
        switched_off.refresh_from_db()
        assert _text(switched_off) == old_suggestion and switched_off.version == 1
        versions_before = classifier._rules_version()
        _migrate(FOOD_AND_SUGGESTIONS_STEP)  # forwards to this migration
        _check_0008(untouched, current, switched_off, edited, other, versions_before)
    finally:
        _migrate_to_the_latest()


def _check_0008(untouched, current, switched_off, edited, other, versions_before):
    old_suggestion = FOOD_AND_SUGGESTIONS.BEFORE[1]
    new_food, new_suggestion = FOOD_AND_SUGGESTIONS.AFTER
    for row in (untouched, current):
        row.refresh_from_db()
        assert _text(row) == new_food
    assert (untouched.version, current.version) == (2, 3)
    switched_off.refresh_from_db()
    assert _text(switched_off) == new_suggestion and switched_off.active is False
    assert switched_off.version == 2
    # An administrator's edited row is left exactly as the administrator left it.
    edited.refresh_from_db()
    assert _text(edited) == {**old_suggestion, "exclude": old_suggestion["exclude"] + ",护栏"}
    assert edited.version == 1
    other.refresh_from_db()
    assert _text(other)["keywords"] == "避雷针" and other.version == 50
    assert classifier._rules_version() != versions_before


CROWDS_AND_QUESTIONS = importlib.import_module(
    "jiaoliuba.triage.migrations.0009_crowds_and_questions_in_not_red_rules"
)
BEFORE_CROWDS = ("triage", "0008_food_and_suggestion_rules_to_the_guide")


@pytest.mark.django_db(transaction=True)
def test_0009_rewrites_only_rows_still_holding_0008s_text_and_back():
    old = {r["name"]: r for r in CROWDS_AND_QUESTIONS.BEFORE}
    new = {r["name"]: r for r in CROWDS_AND_QUESTIONS.AFTER}
    question, facilities = "不红：咨询安全知识", "不红：日常设施与消防管理"
    # The words that changed, and nothing else.
    assert "堵" in old[facilities]["exclude"].split(",")
    assert "堵" not in new[facilities]["exclude"].split(",")
    assert "围堵" in new[facilities]["exclude"].split(",")
    assert "有没有免费" in new[question]["keywords"].split(",")
    TriageRule.objects.all().delete()  # the rows the migrations installed, if any
    untouched = TriageRule.objects.create(**old[question])
    edited = TriageRule.objects.create(
        **{**old[facilities], "exclude": old[facilities]["exclude"] + ",消防栓"}
    )
    switched_off = TriageRule.objects.create(**old[facilities], active=False)
    try:
        _migrate(BEFORE_CROWDS)  # backwards: untouched rows hold the old text, nothing moves
        untouched.refresh_from_db()
        assert _text(untouched) == old[question] and untouched.version == 1
    finally:
        _migrate_to_the_latest()
    untouched.refresh_from_db()
    assert _text(untouched) == new[question] and untouched.version == 2
    switched_off.refresh_from_db()
    assert _text(switched_off) == new[facilities] and switched_off.active is False
    edited.refresh_from_db()
    assert _text(edited)["exclude"].endswith(",消防栓") and edited.version == 1
    # And back: the rows holding the new text get the old one.
    try:
        _migrate(BEFORE_CROWDS)
        untouched.refresh_from_db()
        assert _text(untouched) == old[question] and untouched.version == 3
    finally:
        _migrate_to_the_latest()


@pytest.mark.django_db
def test_the_guides_yellow_fire_lane_and_a_question_are_excused_but_a_crowd_is_not(settings):
    settings.TRIAGE_CACHE_SECONDS = 0
    fire_lane = classifier.classify(text="消防通道被私家车堵了，物业也不管")
    assert fire_lane.priority != "red" and fire_lane.needs_review
    assert any(r.startswith("not_red:不红：日常设施与消防管理") for r in fire_lane.reasons)
    question = classifier.classify(text="社区有没有免费发烟雾报警器")
    assert question.priority != "red" and question.needs_review
    crowd = classifier.classify(text="几十个业主把物业办公室堵门了，说不退钱就不走")
    assert crowd.priority == "red"


@pytest.mark.django_db
def test_a_child_scratched_by_strays_is_red_by_the_harm_rule(settings):
    settings.TRIAGE_CACHE_SECONDS = 0
    verdict = classifier.classify(
        text="小区里流浪猫越来越多，晚上叫得厉害，还有孩子被抓伤了，希望社区想想办法"
    )
    assert verdict.priority == "red"
    assert any(r.startswith("rule:危险：结构、坠落、人身:抓伤") for r in verdict.reasons)


MISSING_AND_WEAPONS = importlib.import_module(
    "jiaoliuba.triage.migrations.0011_missing_people_weapons_and_owners"
)
BEFORE_MISSING = ("triage", "0010_scratches_are_harm_to_people")


@pytest.mark.django_db(transaction=True)
def test_0011_rewrites_the_two_rules_only_while_they_hold_0010s_text_and_back():
    (old_harm, old_crowd), (new_harm, new_crowd) = (
        MISSING_AND_WEAPONS.BEFORE,
        MISSING_AND_WEAPONS.AFTER,
    )
    # Lines and words were added; nothing was taken away.
    assert new_harm["patterns"].startswith(old_harm["patterns"] + "\n")
    assert new_harm["keywords"] == old_harm["keywords"]
    assert new_crowd["patterns"].startswith(old_crowd["patterns"] + "\n")
    assert new_crowd["keywords"].startswith(old_crowd["keywords"] + ",")
    TriageRule.objects.all().delete()  # the rows the migrations installed, if any
    untouched = TriageRule.objects.create(**old_harm)
    edited = TriageRule.objects.create(**{**old_crowd, "keywords": old_crowd["keywords"] + ",维权"})
    try:
        _migrate(BEFORE_MISSING)
    finally:
        _migrate_to_the_latest()
    untouched.refresh_from_db()
    assert _text(untouched) == {**new_harm, "kind": "classify"} and untouched.version == 2
    edited.refresh_from_db()
    assert _text(edited)["patterns"] == old_crowd["patterns"] and edited.version == 1
    try:
        _migrate(BEFORE_MISSING)  # and back
        untouched.refresh_from_db()
        assert _text(untouched)["patterns"] == old_harm["patterns"] and untouched.version == 3
    finally:
        _migrate_to_the_latest()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "red"),
    [
        ("我妈早上出去买菜，到现在也没回来，老人有点糊涂，怕是走丢了", True),
        ("孩子在公园跟我们走散了，穿红衣服，六岁", True),
        ("楼下那人跟我吵完架，拿着菜刀在单元门口骂了半个钟头", True),
        ("我们楼五十多户业主都反对在楼下建充电桩站，物业不理", "crowd"),
        # A lost pet is not the guide's person at risk.
        ("我家的狗前天走丢了，谁在小区里看到麻烦说一声", False),
    ],
    ids=["mother-missing", "child-lost", "knife", "owners-against", "lost-dog"],
)
def test_missing_people_weapons_and_owners_fire_the_red_rules(settings, text, red):
    settings.TRIAGE_CACHE_SECONDS = 0
    verdict = classifier.classify(text=text)
    rule = "rule:群体性风险" if red == "crowd" else "rule:危险：结构、坠落、人身"
    fired = any(r.startswith(rule) for r in verdict.reasons)
    assert fired is bool(red), verdict.reasons
    if red:
        assert verdict.priority == "red"
