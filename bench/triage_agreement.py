"""How far the held-out set's priorities agree with the labelling guide, read by readers who
see neither the labels nor the model: the ceiling the accuracy target sits under.

Two readers (`triage_agreement/labels_A.jsonl`, `labels_B.jsonl`: two separate helper
sessions of one kind of language model, not two people) were given only
docs/triage-labelling.md and the texts of `jiaoliuba/triage/data/test.jsonl` (id, the
resident's type, content), and labelled every row. This prints their agreement with the
file's own labels and with each other, and writes `triage_agreement/test-reviewed.jsonl`:
the held-out file with a priority changed where both readers agree against it. The file in
the package is never changed; the model is measured on the reviewed copy with

    .venv/bin/python bench/triage_agreement.py
    .venv/bin/jiaoliuba triage evaluate --file bench/triage_agreement/test-reviewed.jsonl
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "triage_agreement"
TEST = ROOT / "jiaoliuba" / "triage" / "data" / "test.jsonl"
PRIORITIES = ("red", "yellow", "blue")


def _rows(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return {row["id"]: row for row in rows}


def _pair(name: str, ids: list[str], left: dict, right: dict, key: str) -> str:
    a = [left[i][key] for i in ids]
    b = [right[i][key] for i in ids]
    same = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
    return f"| {name} | {key} | {same:.3f} | {cohen_kappa_score(a, b):.3f} |"


def _confusion(ids: list[str], truth: dict, reader: dict) -> list[list[int]]:
    seen = Counter((truth[i]["priority"], reader[i]["priority"]) for i in ids)
    return [[seen[(t, r)] for r in PRIORITIES] for t in PRIORITIES]


def main() -> None:
    test = _rows(TEST)
    readers = {name: _rows(HERE / f"labels_{name}.jsonl") for name in ("A", "B")}
    ids = list(test)
    for name, labels in readers.items():
        missing = set(ids) - set(labels)
        if missing:
            raise SystemExit(f"reader {name} left {len(missing)} rows unlabelled")
    print("| pair | label | agreement | Cohen's κ |")
    print("|---|---|---:|---:|")
    pairs = (("file–A", test, readers["A"]), ("file–B", test, readers["B"]))
    for name, left, right in (*pairs, ("A–B", readers["A"], readers["B"])):
        for key in ("priority", "category"):
            print(_pair(name, ids, left, right, key))
    for name, labels in readers.items():
        print(
            f"file (rows) × reader {name} (columns), red/yellow/blue:",
            _confusion(ids, test, labels),
        )
    changed: Counter[tuple[str, str]] = Counter()
    with (HERE / "test-reviewed.jsonl").open("w", encoding="utf-8") as out:
        for i in ids:
            row = dict(test[i])
            a, b = readers["A"][i]["priority"], readers["B"][i]["priority"]
            if a == b != row["priority"]:
                changed[(row["priority"], a)] += 1
                row["priority"] = a
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"test-reviewed.jsonl: {sum(changed.values())} priorities changed where both readers "
        "agree against the file:",
        ", ".join(f"{old}→{new} {n}" for (old, new), n in sorted(changed.items())),
    )


if __name__ == "__main__":
    main()
