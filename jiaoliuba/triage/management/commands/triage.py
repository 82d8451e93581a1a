"""`jiaoliuba triage retrain|evaluate|ship`."""

import json
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiaoliuba.triage import classifier, services
from jiaoliuba.triage.model import (
    CATEGORIES,
    PRIORITIES,
    SHIPPED_ARRAYS,
    SHIPPED_MANIFEST,
    StatModel,
    _document,
    brier,
    load_jsonl,
    platt,
    reliability_table,
    test_corpus,
    training_files,
)
from jiaoliuba.triage.training import evaluate, train

HEADLINE = ("red_recall", "priority_accuracy", "category_macro_f1")


def _review_rate(model: StatModel | None, rows) -> float:
    """Appeals per 1,000 that the triage sends to the manual queue (non-red, not confident)."""
    verdicts = _classify_with(model, [r.content for r in rows], [r.type_hint for r in rows])
    return 1000 * sum(1 for v in verdicts if v.needs_review) / max(len(rows), 1)


def _classify_with(model: StatModel | None, texts, hints):
    rules = classifier.active_rules()
    if model is None:
        return [
            classifier._decide(t, h, rules, None, None, None, None)
            for t, h in zip(texts, hints, strict=False)
        ]
    p_red, prio, cat = model.predict(texts, hints)
    return [
        classifier._decide(t, h, rules, model, float(p_red[i]), prio[i], cat[i], False)
        for i, (t, h) in enumerate(zip(texts, hints, strict=True))
    ]


def _report(model: StatModel | None, rows, dump_flips: list[str] | None = None) -> dict:
    def predict(texts, hints):
        return [(v.priority, v.category) for v in _classify_with(model, texts, hints)]

    result = evaluate(predict, rows).as_dict()
    result["review_per_1000"] = _review_rate(model, rows)
    verdicts = _classify_with(model, [r.content for r in rows], [r.type_hint for r in rows])
    reds_missed_unreviewed = sum(
        1
        for r, v in zip(rows, verdicts, strict=True)
        if r.priority == "red" and v.priority != "red" and not v.needs_review
    )
    result["red_missed_and_not_reviewed"] = reds_missed_unreviewed
    # What the seed's "hazards are red" rule did: each flip, and accuracy had it not flipped.
    flips = [
        (r, v, next(x for x in v.reasons if x.startswith("category_red:")).rsplit(":", 1)[1])
        for r, v in zip(rows, verdicts, strict=True)
        if any(x.startswith("category_red:") for x in v.reasons)
    ]
    result["seed_rule"] = {
        "flipped_to_red": len(flips),
        "truly_red": sum(1 for r, _v, _before in flips if r.priority == "red"),
        "priority_accuracy_without_it": result["priority_accuracy"]
        + sum((r.priority == before) - (r.priority == "red") for r, _v, before in flips)
        / max(len(rows), 1),
        "red_recall_without_it": None
        if not any(r.priority == "red" for r in rows)
        else result["red_recall"]
        - sum(1 for r, _v, _b in flips if r.priority == "red")
        / sum(1 for r in rows if r.priority == "red"),
    }
    # What the administrators' "not red because" rules did: verdicts they kept from red.
    excused = [
        r
        for r, v in zip(rows, verdicts, strict=True)
        if v.priority != "red" and any(x.startswith("not_red:") for x in v.reasons)
    ]
    result["not_red_rules"] = {
        "excused": len(excused),
        "truly_red": sum(1 for r in excused if r.priority == "red"),
    }
    result["false_reds_by_cause"] = _false_reds_by_cause(model, rows, verdicts)
    # Yellow against blue on its own: how often the triage gets it right for the appeals
    # that are truly yellow or blue and that it did not call red.
    calm = [
        (r, v)
        for r, v in zip(rows, verdicts, strict=True)
        if r.priority != "red" and v.priority != "red"
    ]
    result["yellow_blue_accuracy"] = (
        sum(r.priority == v.priority for r, v in calm) / len(calm) if calm else None
    )
    if model is not None:
        result["thresholds"] = {
            "red": model.red_threshold,
            "excused": model.excused_threshold,
            "passage": model.passage_threshold,
            "review": model.review_threshold,
        }
    if dump_flips is not None:
        for r, _v, before in flips:
            if r.priority != "red":
                dump_flips.append(f"{r.priority}\t{r.category}\t{before}\t{r.content[:80]}")
    if model is not None:
        p_red, _prio, _cat = model.predict([r.content for r in rows], [r.type_hint for r in rows])
        is_red = np.asarray([r.priority == "red" for r in rows])
        result["calibration"] = {
            "brier": brier(p_red, is_red),
            "reliability": reliability_table(p_red, is_red),
        }
    return result


def _false_reds_by_cause(model: StatModel | None, rows, verdicts) -> dict[str, int]:
    """Appeals called red that are not red in the labels, by what made them red: a red
    rule, the seed's "hazards are red" rule, the model on the whole text, or the model on
    one passage of a long text only."""
    red_rule_names = {
        r.name for r in classifier.active_rules() if r.priority == "red" and r.kind != "not_red"
    }
    whole = None
    if model is not None:
        whole = platt(
            model.raw_red(model.transform([_document(r.content, r.type_hint) for r in rows])),
            *model.calibration,
        )
    causes = {"red_rule": 0, "seed_rule": 0, "model_whole_text": 0, "model_passage": 0}
    for i, (r, v) in enumerate(zip(rows, verdicts, strict=True)):
        if r.priority == "red" or v.priority != "red":
            continue
        if any(x.startswith("rule:") and x.split(":")[1] in red_rule_names for x in v.reasons):
            causes["red_rule"] += 1
        elif any(x.startswith("category_red:") for x in v.reasons):
            causes["seed_rule"] += 1
        elif whole is not None and model is not None and whole[i] >= model.red_threshold:
            causes["model_whole_text"] += 1
        else:
            causes["model_passage"] += 1
    return causes


def _rows_of(path: str):
    try:
        rows = load_jsonl(Path(path))
    except FileNotFoundError as exc:
        raise CommandError(f"no such file: {path}") from exc
    except (ValueError, KeyError) as exc:
        raise CommandError(
            f"{path}: each line needs content, priority and category ({exc})"
        ) from exc
    wrong = [r.id or r.content[:20] for r in rows if r.priority not in PRIORITIES]
    wrong += [r.id or r.content[:20] for r in rows if r.category not in CATEGORIES]
    if wrong or not rows:
        raise CommandError(
            f"{path}: unknown priority or category in {wrong[:5] or 'an empty file'}"
        )
    return rows


class Command(BaseCommand):
    help = "Train, compare and evaluate the triage model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "retrain",
            help="Train on the corpus plus staff corrections; activate if red recall is not worse.",
        )
        evaluate_parser = sub.add_parser(
            "evaluate", help="Measure the active triage (rules + model) on the held-out test set."
        )
        evaluate_parser.add_argument(
            "--leave-one-out",
            action="store_true",
            help="Instead: hold out each training file in turn, train on the others, measure on it.",
        )
        evaluate_parser.add_argument(
            "--file",
            default="",
            help="Measure on this JSONL file (content, priority, category; type optional) "
            "instead of the held-out test set: text written outside the corpus.",
        )
        evaluate_parser.add_argument(
            "--dump-flips", default="", help="Leave-one-out: write the wrongly reddened texts here."
        )
        ship = sub.add_parser(
            "ship", help="Developers: rebuild the model files that ship in the package."
        )
        ship.add_argument("--output", default=str(SHIPPED_ARRAYS))
        ship.add_argument("--manifest", default=str(SHIPPED_MANIFEST))

    def handle(self, *, action, **options):
        if action == "retrain":
            result = services.triage_model_retrain(notes="manual retrain")
            state = "activated" if result.activated else "kept the current model"
            self.stdout.write(f"{result.candidate.version}: {state} ({result.reason})")
            self.stdout.write(json.dumps({k: result.candidate.metrics[k] for k in HEADLINE}))
        elif action == "evaluate" and options["leave_one_out"]:
            folds = {}
            files = training_files()
            for held in files:
                rest = [row for path in files if path != held for row in load_jsonl(path)]
                model = train(rest, version=f"without-{held.stem}")
                services.calibrate(model, rest, folds=settings.TRIAGE_CV_FOLDS)
                flips: list[str] = []
                report = _report(model, load_jsonl(held), flips)
                if options.get("dump_flips"):
                    with open(options["dump_flips"], "a", encoding="utf-8") as handle:
                        handle.writelines(f"{held.name}\t{line}\n" for line in flips)
                folds[held.name] = report
                self.stderr.write(
                    f"{held.name}: "
                    + json.dumps({k: round(report[k], 3) for k in (*HEADLINE, "review_per_1000")})
                )
            self.stdout.write(json.dumps(folds, ensure_ascii=False, indent=1))
        elif action == "evaluate":
            current = classifier.active_model()
            rows = _rows_of(options["file"]) if options.get("file") else test_corpus()
            report = _report(current, rows)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
        elif action == "ship":
            model, metrics, n = services.triage_model_build()
            model.save(
                SHIPPED_ARRAYS.__class__(options["output"]),
                SHIPPED_MANIFEST.__class__(options["manifest"]),
            )
            self.stdout.write(
                f"wrote {options['output']} and {options['manifest']} (trained on {n}, "
                f"red threshold {model.red_threshold:.3f}, review {model.review_threshold:.3f})"
            )
            self.stdout.write(json.dumps({k: metrics[k] for k in HEADLINE}))
        else:
            raise CommandError(action)
