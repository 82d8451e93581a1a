"""Markdown tables for bench/README.md from `jiaoliuba triage evaluate` (held-out, JSON) and
`jiaoliuba triage evaluate --leave-one-out` (JSON), plus the shipped model's manifest.

    .venv/bin/python -m jiaoliuba triage evaluate > bench/triage-eval.json
    .venv/bin/python -m jiaoliuba triage evaluate --leave-one-out > bench/triage-loo.json
    .venv/bin/python bench/triage_report.py [--before OLD-LOO.json]

`--before` adds each fold's figures from an earlier leave-one-out run beside the new ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
MANIFEST = ROOT / "jiaoliuba" / "triage" / "data" / "model.json"
TARGETS = {"red_recall": 0.97, "priority_accuracy": 0.92, "category_macro_f1": 0.88}


def _mark(key: str, value: float) -> str:
    return f"**{value:.3f}**" if value >= TARGETS[key] else f"{value:.3f} ✗"


def diagnosis(loo: dict, before: dict | None) -> None:
    """Per fold: where the priority errors are (true → predicted), what made the false reds
    red, yellow-vs-blue accuracy on its own, and the figures of an earlier run."""
    print(
        "| fold | red→not red | yellow→red | blue→red | yellow↔blue | false reds: red rule "
        "/ seed rule / model, whole text / model, one passage | yellow-vs-blue acc. "
        "| before → after: red recall | priority acc. | macro-F1 |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---|---|---|")
    for name, r in loo.items():
        cm = r["priority_confusion"]  # rows and columns: red, yellow, blue
        causes = r.get("false_reds_by_cause") or {}
        old = (before or {}).get(name)

        def change(key: str, old=old, r=r) -> str:
            if old is None:
                return f"{r[key]:.3f}"
            return f"{old[key]:.3f} → {r[key]:.3f}"

        yb = r.get("yellow_blue_accuracy")
        print(
            f"| {name.removesuffix('.jsonl')} | {cm[0][1] + cm[0][2]} | {cm[1][0]} | {cm[2][0]} "
            f"| {cm[1][2] + cm[2][1]} | {causes.get('red_rule', '–')} / "
            f"{causes.get('seed_rule', '–')} / {causes.get('model_whole_text', '–')} / "
            f"{causes.get('model_passage', '–')} | {'–' if yb is None else f'{yb:.3f}'} "
            f"| {change('red_recall')} | {change('priority_accuracy')} "
            f"| {change('category_macro_f1')} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="")
    args = parser.parse_args()
    held = json.loads((BENCH / "triage-eval.json").read_text(encoding="utf-8"))
    loo = json.loads((BENCH / "triage-loo.json").read_text(encoding="utf-8"))
    before = json.loads(Path(args.before).read_text(encoding="utf-8")) if args.before else None
    print(
        "| evaluation set | n | red recall | priority acc. | macro-F1 | review / 1,000 "
        "| red missed, not reviewed | seed rule: reddened (truly red) "
        "| priority acc. without seed rule | not-red rules: excused (truly red) "
        "| thresholds red / excused / review |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, report in [
        ("held-out test.jsonl", held),
        *[(f"LOFO: {k}", v) for k, v in loo.items()],
    ]:
        seed = report.get("seed_rule", {})
        excused = report.get("not_red_rules", {})
        t = report.get("thresholds", {})
        print(
            f"| {name} | {report['n']} | {_mark('red_recall', report['red_recall'])} "
            f"| {_mark('priority_accuracy', report['priority_accuracy'])} "
            f"| {_mark('category_macro_f1', report['category_macro_f1'])} "
            f"| {report['review_per_1000']:.0f} | {report['red_missed_and_not_reviewed']} "
            f"| {seed.get('flipped_to_red', '–')} ({seed.get('truly_red', '–')}) "
            f"| {seed.get('priority_accuracy_without_it', float('nan')):.3f} "
            f"| {excused.get('excused', '–')} ({excused.get('truly_red', '–')}) "
            f"| {t.get('red', float('nan')):.3f} / {t.get('excused', float('nan')):.3f} / "
            f"{t.get('review', float('nan')):.3f} |"
        )
    print()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    cal = manifest["metrics"]["calibration"]
    print(
        f"Calibration (Platt a={manifest['calibration']['a']:.3f}, b={manifest['calibration']['b']:.3f}); "
        f"red threshold {manifest['red_threshold']:.3f}, excused threshold "
        f"{manifest.get('excused_threshold', manifest['red_threshold']):.3f}, review threshold "
        f"{manifest['review_threshold']:.3f}. Brier score of P(red): cross-validated raw "
        f"{cal['brier_raw']:.4f} → calibrated {cal['brier_calibrated']:.4f}; held-out "
        f"{held['calibration']['brier']:.4f}."
    )
    print()
    print(
        "| P(red) bin | CV raw: n | mean pred. | observed red | CV calibrated: n | mean pred. "
        "| observed red | held-out: n | mean pred. | observed red |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    def cells(row: dict) -> str:
        if not row["n"]:
            return f"{row['n']} | – | –"
        return f"{row['n']} | {row['mean_predicted']:.3f} | {row['observed_red']:.3f}"

    for raw, calibrated, test in zip(
        cal["reliability_raw"],
        cal["reliability_calibrated"],
        held["calibration"]["reliability"],
        strict=True,
    ):
        bar = "█" * round(10 * (calibrated["observed_red"] or 0))
        print(f"| {raw['bin']} {bar} | {cells(raw)} | {cells(calibrated)} | {cells(test)} |")

    print()
    diagnosis(loo, before)


if __name__ == "__main__":
    main()
