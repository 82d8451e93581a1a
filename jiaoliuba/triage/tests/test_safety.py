"""Issue 11: hazards are red unless a visible rule says why not; the model file is data
only, refused when it does not match its manifest, and its loss never breaks intake."""

import hashlib
import importlib
import json
import pickle
import shutil

import numpy as np
import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.models import AuditLog
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1
from jiaoliuba.testing.worker import worker_once
from jiaoliuba.triage import classifier, model, services
from jiaoliuba.triage.defaults import GAS_EXCLUDE, builtin_rules
from jiaoliuba.triage.models import TriageRule
from jiaoliuba.triage.tasks import retrain

FOOD_AND_SUGGESTIONS = importlib.import_module(
    "jiaoliuba.triage.migrations.0008_food_and_suggestion_rules_to_the_guide"
)

pytestmark = pytest.mark.django_db

# A hazard the model files under 安全隐患 without calling it red, and that none of the
# default "not red because" rules excuses. (It was a wobbling riverside railing until the
# corpus was relabelled by docs/triage-labelling.md: the model now calls that red itself.)
HAZARD = "单元楼顶的避雷针歪了，也不知道还管不管用"


@pytest.fixture(autouse=True)
def fresh_caches(settings):
    settings.TRIAGE_CACHE_SECONDS = 0
    classifier.clear_caches()
    yield
    classifier.clear_caches()


def test_a_safety_verdict_is_red_without_an_exception_rule():
    verdict = classifier.classify(text=HAZARD)
    assert verdict.category == "safety"
    assert verdict.priority == "red"


def test_a_not_red_rule_excuses_a_hazard_visibly_and_it_still_goes_to_review():
    TriageRule.objects.create(
        name="避雷针",
        kind="not_red",
        reason="Lightning rods are checked every spring by the property company.",
        category="safety",
        keywords="避雷针歪",
    )
    verdict = classifier.classify(text=HAZARD)
    assert verdict.category == "safety"
    assert verdict.priority != "red"
    assert any(r.startswith("not_red:避雷针:") for r in verdict.reasons)
    # The model itself calls it a hazard: never a confident non-red.
    assert verdict.needs_review
    assert verdict.confidence < 0.55


def test_a_not_red_rule_for_another_category_does_not_excuse(settings):
    TriageRule.objects.create(
        name="冲突例外", kind="not_red", reason="x", category="group_conflict", keywords="避雷针"
    )
    assert classifier.classify(text=HAZARD).priority == "red"


def test_consultation_default_exception_keeps_questions_non_red():
    verdict = classifier.classify(text="请问楼道里可以放灭火器吗")
    assert verdict.priority != "red"


def test_default_rules_excuse_a_feared_hazard_but_not_one_happening_now():
    # A loose rooftop sign "not fallen yet" is red by docs/triage-labelling.md and the model
    # now says so itself; a tilted lightning rod feared useless is the guide's yellow.
    feared = classifier.classify(text="楼顶的避雷针好像有点歪，万一打雷不管用咋办")
    assert feared.priority != "red"
    assert any(r.startswith("not_red:不红：担心将来") for r in feared.reasons)
    assert feared.needs_review
    # The same words with harm happening now: no "not red because" rule may excuse it.
    now = classifier.classify(
        text="楼顶的避雷针好像有点歪，刚才掉下来一块砸到人了，万一打雷不管用咋办"
    )
    assert now.priority == "red"
    assert not any(r.startswith("not_red:") for r in now.reasons)


def test_a_not_red_rule_overrides_an_unsure_model_red_but_not_a_sure_one(monkeypatch):
    model_obj = classifier.active_model()
    assert model_obj is not None
    # The guide's own general suggestion (blue). (It was life buoys by a riverside railing
    # until the suggestion rule followed the guide: a text naming a railing at water is no
    # longer excused as a suggestion.)
    text = "建议小区增设一些健身器材"
    p_red = float(model_obj.predict([text], [""])[0][0])
    assert p_red > 0
    # Make the model call this text red, at a level below the excused threshold.
    monkeypatch.setattr(model_obj, "red_threshold", p_red / 2)
    monkeypatch.setattr(model_obj, "review_threshold", p_red / 4)
    monkeypatch.setattr(model_obj, "excused_threshold", min(1.0, p_red * 2 + 0.01))
    verdict = classifier.classify(text=text)
    assert verdict.priority != "red"
    assert any(r.startswith("not_red:不红：提建议") for r in verdict.reasons)
    assert verdict.needs_review
    # A model sure enough of danger (above the excused threshold) is not overridden.
    monkeypatch.setattr(model_obj, "excused_threshold", p_red / 2)
    assert classifier.classify(text=text).priority == "red"


def test_thresholds_keep_recall_and_let_excused_non_reds_through():
    rng = np.random.default_rng(1)
    is_red = np.zeros(400, dtype=bool)
    is_red[:100] = True
    p = np.where(is_red, rng.uniform(0.3, 1.0, 400), rng.uniform(0.0, 0.6, 400))
    excused = ~is_red & (np.arange(400) % 2 == 0)  # half the non-reds carry an excuse
    rule_red = np.zeros(400, dtype=bool)
    chosen = services.choose_thresholds(p, is_red, rule_red, excused)
    red, excused_level, review = chosen.red, chosen.excused, chosen.review
    called = rule_red | (p >= np.where(excused, excused_level, red))
    assert called[is_red].mean() >= services.RED_TARGET_RECALL
    assert excused_level > red >= review
    plain = p >= red
    assert (called & ~is_red).sum() < (plain & ~is_red).sum()


def test_a_red_from_one_passage_alone_gets_its_own_bar():
    """Non-reds scored on their worst passage run high (a maximum of several chances):
    a bar of their own lets fewer of them through at the same red recall."""
    rng = np.random.default_rng(2)
    n = 600
    is_red = np.arange(n) < 150
    from_passage = np.arange(n) % 3 == 0
    p = np.where(is_red, rng.uniform(0.35, 1.0, n), rng.uniform(0.0, 0.5, n))
    p = np.where(from_passage, np.minimum(1.0, p + 0.3), p)  # maxima run high, reds' too
    none = np.zeros(n, dtype=bool)
    one_bar = services.choose_thresholds(p, is_red, none, none)
    two_bars = services.choose_thresholds(p, is_red, none, none, from_passage)
    assert two_bars.passage > two_bars.red
    called = p >= np.where(from_passage, two_bars.passage, two_bars.red)
    assert called[is_red].mean() >= services.RED_TARGET_RECALL
    false_one = ((p >= one_bar.red) & ~is_red).sum()
    assert (called & ~is_red).sum() < false_one


def test_admin_requires_a_reason_for_not_red_rules_and_audits_them(admin_client):
    url = reverse("admin:triage_triagerule_add")
    form = {
        "name": "测试例外",
        "kind": "not_red",
        "reason": "",
        "priority": "",
        "category": "safety",
        "keywords": "灭火器",
        "patterns": "",
        "exclude": "",
        "active": "on",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200  # the form again, with the error
    assert not TriageRule.objects.filter(name="测试例外").exists()
    response = admin_client.post(url, {**form, "priority": "yellow", "reason": "因为"})
    assert not TriageRule.objects.filter(name="测试例外").exists()
    response = admin_client.post(url, {**form, "reason": "物业一周内更换"})
    assert response.status_code == 302
    rule = TriageRule.objects.get(name="测试例外")
    assert rule.kind == "not_red"
    entry = AuditLog.objects.filter(action="admin.add").latest("pk")
    assert "物业一周内更换" in json.dumps(entry.changes, ensure_ascii=False)


# --- the model file -----------------------------------------------------------------------


def test_shipped_model_was_trained_from_the_shipped_corpus():
    manifest = json.loads(model.SHIPPED_MANIFEST.read_text(encoding="utf-8"))
    assert manifest["format"] == model.MODEL_FORMAT
    assert manifest["corpus_sha256"] == model.corpus_hash()
    assert manifest["corpus_files"] == [p.name for p in model.training_files()]
    assert set(manifest["libraries"]) >= {"numpy", "scikit-learn"}
    assert 0 < manifest["review_threshold"] <= manifest["red_threshold"] <= 0.5
    assert manifest["red_threshold"] <= manifest["excused_threshold"] <= 1
    assert not (model.DATA_DIR / "model.pkl").exists()


def test_shipped_model_loads_without_pickle_and_round_trips():
    loaded = model.load_shipped()
    again = model.StatModel.loads(loaded.dumps())
    texts, hints = ["楼下一股煤气味", "建议多办读书会"], ["", ""]
    for a, b in zip(loaded.predict(texts, hints), again.predict(texts, hints), strict=True):
        assert a == pytest.approx(b)


@pytest.fixture
def model_files(tmp_path, monkeypatch):
    arrays, manifest = tmp_path / "model.npz", tmp_path / "model.json"
    shutil.copy(model.SHIPPED_ARRAYS, arrays)
    shutil.copy(model.SHIPPED_MANIFEST, manifest)
    monkeypatch.setattr(model, "SHIPPED_ARRAYS", arrays)
    monkeypatch.setattr(model, "SHIPPED_MANIFEST", manifest)
    return arrays, manifest


def _assert_rules_only_with_warning(client, admin_client, cause):
    health = classifier.model_health()
    assert health["ok"] is False and health["source"] == "rules only"
    assert cause in health["detail"]
    # Intake keeps working on the rules; everything not red goes to a person.
    red = classifier.classify(text="楼道里一股燃气味，好几个小时了")
    assert red.priority == "red"
    calm = classifier.classify(text="建议社区多办几场读书会")
    assert calm.needs_review
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["triage_model"]["ok"] is False
    assert cause in body["triage_model"]["detail"]
    page = admin_client.get(reverse("admin:triage_triagerule_changelist"))
    assert "rules only" in page.content.decode()


def test_a_corrupted_model_file_falls_back_to_the_rules(model_files, client, admin_client):
    arrays, _manifest = model_files
    data = bytearray(arrays.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\0" * 64
    arrays.write_bytes(bytes(data))
    assert classifier.active_model() is None
    _assert_rules_only_with_warning(client, admin_client, "sha256")


def test_a_mismatched_manifest_is_refused(model_files, client, admin_client):
    _arrays, manifest = model_files
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["n_features"] += 1
    # Even with a matching checksum a manifest describing other arrays is refused.
    manifest.write_text(json.dumps(content), encoding="utf-8")
    assert classifier.active_model() is None
    _assert_rules_only_with_warning(client, admin_client, "vocabulary size")


def test_a_pickle_is_refused(model_files, client, admin_client):
    arrays, manifest = model_files
    arrays.write_bytes(pickle.dumps({"any": "object"}))
    content = json.loads(manifest.read_text(encoding="utf-8"))

    content["arrays_sha256"] = hashlib.sha256(arrays.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(content), encoding="utf-8")
    assert classifier.active_model() is None
    _assert_rules_only_with_warning(client, admin_client, "arrays unreadable")


def test_the_workbench_warns_the_staff_who_triage(model_files, make_staff, login_client):
    secretary = login_client(make_staff(Role.COMMUNITY_SECRETARY, JIEFANG))
    grid_worker = login_client(make_staff(Role.GRID_WORKER, JIEFANG_G1))
    healthy = secretary.get(reverse("workbench")).content.decode()
    assert 'id="triage-health"' not in healthy

    arrays, _manifest = model_files
    arrays.write_bytes(b"not a model")
    classifier.clear_caches()
    page = secretary.get(reverse("workbench")).content.decode()
    assert 'id="triage-health"' in page
    assert "sha256" in page  # the cause, as /healthz reports it
    assert "?triage=1" in page
    # Grid workers do not dispatch, so they do not triage: no banner for them.
    assert 'id="triage-health"' not in grid_worker.get(reverse("workbench")).content.decode()


def test_healthy_model_is_reported(client):
    body = client.get("/healthz").json()
    assert body["triage_model"]["ok"] is True
    assert body["triage_model"]["source"].startswith("shipped:")


# --- the retrain queue --------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_retrain_runs_on_its_own_queue_not_in_the_main_worker():
    result = retrain.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.queue_name == "triage"
    worker_once()
    row.refresh_from_db()
    assert row.status == "READY"  # the main worker left it alone
    worker_once("--queues", "triage")
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL", row.status


@pytest.mark.parametrize(
    "text",
    [
        "走访记录：5号楼一楼住户反映燃气表附近有异味约一周，物业未处理",
        "巡查：路口雨水井盖缺失，学生上学必经路段，现临时压了块砖",
        "楼下独居老人好几天没开门了，敲门也没人应",
    ],
)
def test_hazards_told_calmly_are_red_by_the_default_rules(text):
    verdict = classifier.classify(text=text)
    assert verdict.priority == "red"
    assert any(r.startswith("rule:危险") for r in verdict.reasons)


def test_migrated_database_holds_the_builtin_rules():
    names = set(TriageRule.objects.values_list("name", flat=True))
    assert {r["name"] for r in builtin_rules()} <= names
    assert TriageRule.objects.get(name="危险：燃气、火情、用电").exclude == GAS_EXCLUDE
    assert TriageRule.objects.filter(kind="not_red").exclude(reason="").count() >= 2


def test_a_material_p_red_is_never_a_confident_yellow():
    m = classifier.active_model()
    rules = classifier.active_rules()
    text = "楼上邻居每晚11点以后还在跳绳，噪音很大，沟通过几次没有用"
    _p, prio, cat = m.predict([text], [""])
    calm = classifier._decide(text, "", rules, m, 0.0, prio[0], cat[0])
    assert calm.priority == "yellow" and not calm.needs_review and calm.confidence >= 0.55
    # The same text with a P(red) between the review and the red threshold.
    p_red = (m.review_threshold + m.red_threshold) / 2
    unsure = classifier._decide(text, "", rules, m, p_red, prio[0], cat[0])
    assert unsure.priority == "yellow"
    assert unsure.needs_review and unsure.confidence < 0.55


# --- the default "not red because" rules follow docs/triage-labelling.md ------------------

# The guide's red 2 (a hazard one everyday step from harm, 还没人受伤也算) told as a worry or
# a management complaint: the words the second pass's rules excused.
GUIDE_RED_TOLD_CALMLY = [
    "楼道里有人给电动车充电，还没出事但是担心",
    "楼道里充电，物业也不管",
    "楼下商铺的广告牌有点松动，万一哪天刮大风",
    "路口的井盖有点松了，还没出事，就是担心",
    "河边的栏杆松了，孩子天天在那里玩，担心以后出事",
]
# The guide's yellow: expired extinguishers, a fire lane blocked by cars, clutter with no
# ignition source, a street light out (not at a pit, steps or water), a worry about a thing
# that cannot hurt anyone.
GUIDE_YELLOW_EXCUSED = [
    ("灭火器过期了", "不红：日常设施与消防管理"),
    ("小区消防通道被车占了", "不红：日常设施与消防管理"),
    ("楼道里堆满了旧家具", "不红：日常设施与消防管理"),
    ("小区路灯不亮了，担心以后晚上有人摔跤", "不红：日常设施与消防管理"),
    ("楼顶的避雷针好像有点歪，担心以后打雷不管用", "不红：担心将来"),
]


def _model_band_p_red(m) -> float:
    """A P(red) the model calls red yet below the excused threshold: where a "not red
    because" rule may overrule it."""
    assert m.red_threshold < m.excused_threshold
    return (m.red_threshold + m.excused_threshold) / 2


@pytest.mark.parametrize("text", GUIDE_RED_TOLD_CALMLY)
def test_a_guide_red_hazard_told_as_a_worry_is_not_excused(text):
    default_exceptions = [
        classifier.compile_rule(**r) for r in builtin_rules() if r.get("kind") == "not_red"
    ]
    assert [(r.name, r.match(text)) for r in default_exceptions if r.match(text)] == []
    m = classifier.active_model()
    rules = classifier.active_rules()
    _p, prio, cat = m.predict([text], [""])
    # An unsure model red stays red: no default rule overrules it.
    verdict = classifier._decide(text, "", rules, m, _model_band_p_red(m), prio[0], cat[0])
    assert verdict.priority == "red"
    assert not any(r.startswith("not_red:") for r in verdict.reasons)
    assert classifier.classify(text=text).priority == "red"


def test_an_e_bike_charged_in_the_stairwell_is_red_by_the_seed_rule_even_if_the_model_is_calm():
    text = GUIDE_RED_TOLD_CALMLY[0]
    m = classifier.active_model()
    _p, prio, cat = m.predict([text], [""])
    verdict = classifier._decide(text, "", classifier.active_rules(), m, 0.0, prio[0], cat[0])
    assert verdict.category == "safety"
    assert verdict.priority == "red"
    assert "category_red:safety:" in " ".join(verdict.reasons)


@pytest.mark.parametrize(("text", "rule"), GUIDE_YELLOW_EXCUSED)
def test_the_guides_yellow_is_still_excused(text, rule):
    assert classifier.classify(text=text).priority != "red"
    # The shipped model may call the text yellow by itself; where it leans red (any P(red)
    # below the excused threshold) the rule keeps it from red and a person looks.
    m = classifier.active_model()
    _p, prio, cat = m.predict([text], [""])
    rules = classifier.active_rules()
    excused = classifier._decide(text, "", rules, m, _model_band_p_red(m), prio[0], cat[0])
    assert excused.priority != "red"
    assert any(r.startswith(f"not_red:{rule}") for r in excused.reasons), excused.reasons
    assert excused.needs_review
    assert classifier._decide(text, "", rules, m, 0.0, prio[0], cat[0]).priority != "red"


@pytest.mark.parametrize(
    "text",
    [
        "河边的路灯不亮了，晚上黑乎乎的",  # a street light out at water
        "楼道里堆满了杂物，还有人在那儿给电瓶充电",  # clutter with an ignition source
    ],
)
def test_the_facilities_rule_leaves_the_guides_exceptions_red(text):
    rule = next(r for r in builtin_rules() if r["name"] == "不红：日常设施与消防管理")
    assert classifier.compile_rule(**rule).match(text) == []


# The guide's red told as a suggestion ("以‘建议’口吻说出的具体的眼前危险……按危险本身判，是红"),
# and doubtful food served to a school or care home or that has made someone ill (the guide's
# yellow is only "无人生病，也不涉及学校、养老机构等弱势群体的供餐"). The text migration 0006
# installed excused each of them.
GUIDE_RED_AS_SUGGESTION_OR_FOOD = [
    "建议给小区池塘加护栏，孩子天天在边上玩",  # the guide's own example
    "建议把天台的护栏加高一点，太矮了，孩子们常上去玩",
    "提个意见，三号楼外墙的瓷砖松动了，建议物业尽快处理",
    "建议物业管一管楼道里给电动车充电的",
    "学校食堂的肉好像过期了",
    "幼儿园给孩子们吃的饭菜不卫生",
    "养老院给老人吃过期的牛奶",
    "学校门口小卖部卖三无零食，孩子吃了拉肚子",
    "小区超市买的酸奶过期了，孩子喝了一直拉肚子",
    "孩子吃了过期饼干以后有点发热",
]
# The guide's blue (a general suggestion about the future) and yellow (doubtful food or goods,
# nobody ill, no school or care home): still excused, each by its rule.
SUGGESTION_RULE = "不红：提建议、提意见（泛泛的建议，不是眼前的危险）"
FOOD_RULE = "不红：食品与商品质量（无人生病，不供学校养老）"
GUIDE_BLUE_OR_YELLOW_EXCUSED = [
    ("建议社区多搞点消防演练", SUGGESTION_RULE),
    ("建议小区增设一些健身器材", SUGGESTION_RULE),
    ("楼下小超市在卖过期的零食", FOOD_RULE),
    ("菜市场有人卖注水肉，缺斤少两", FOOD_RULE),
]


@pytest.mark.parametrize("text", GUIDE_RED_AS_SUGGESTION_OR_FOOD)
def test_a_danger_told_as_a_suggestion_or_food_for_a_school_or_a_sick_child_is_not_excused(text):
    old_rules = [classifier.compile_rule(**r) for r in FOOD_AND_SUGGESTIONS.BEFORE]
    assert any(r.match(text) for r in old_rules), "an example the 0006 text excused"
    default_exceptions = [
        classifier.compile_rule(**r) for r in builtin_rules() if r.get("kind") == "not_red"
    ]
    assert [(r.name, r.match(text)) for r in default_exceptions if r.match(text)] == []
    # An unsure model red stays red: no default rule overrules it. (Whether the shipped model
    # calls these red at all is the model's business: some it calls blue or yellow.)
    m = classifier.active_model()
    _p, prio, cat = m.predict([text], [""])
    verdict = classifier._decide(
        text, "", classifier.active_rules(), m, _model_band_p_red(m), prio[0], cat[0]
    )
    assert verdict.priority == "red"
    assert not any(r.startswith("not_red:") for r in verdict.reasons)


@pytest.mark.parametrize(("text", "rule"), GUIDE_BLUE_OR_YELLOW_EXCUSED)
def test_a_general_suggestion_and_food_with_nobody_ill_are_still_excused(text, rule):
    shipped = next(r for r in builtin_rules() if r["name"] == rule)
    assert classifier.compile_rule(**shipped).match(text)
    assert classifier.classify(text=text).priority != "red"
    m = classifier.active_model()
    _p, prio, cat = m.predict([text], [""])
    rules = [r for r in classifier.active_rules() if r.kind != "not_red" or r.name == rule]
    for p_red in (0.0, _model_band_p_red(m)):
        verdict = classifier._decide(text, "", rules, m, p_red, prio[0], cat[0])
        assert verdict.priority != "red"
    assert any(r.startswith(f"not_red:{rule}:") for r in verdict.reasons), verdict.reasons
