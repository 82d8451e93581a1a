"""Copy commissioned training text into the corpus as `train_voice_<name>.jsonl`, checked:
every line parses, has text, and carries a valid priority and category; exact duplicates
(within the files, against the existing corpus and against the held-out set) are dropped.
The held-out set is only used to drop verbatim copies, never read for anything else.

    .venv/bin/python bench/import_voices.py DIR_OF_JSONL_FILES
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "jiaoliuba" / "triage" / "data"
PRIORITIES = {"red", "yellow", "blue"}
CATEGORIES = {"neighbor", "property", "livelihood", "suggestion", "safety", "group_conflict"}
HINTS = CATEGORIES | {""}


def _key(text: str) -> str:
    return re.sub(r"[\s，。！？、,.!?；;：:]+", "", text)


def main(source: Path) -> None:
    seen = {
        _key(json.loads(line)["content"])
        for path in [*DATA.glob("train_*.jsonl"), DATA / "test.jsonl"]
        if not path.name.startswith("train_voice_")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    for path in sorted(source.glob("*.jsonl")):
        name = re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_")
        kept, problems = [], []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                problems.append(f"line {number}: not JSON ({exc})")
                continue
            content = str(item.get("content") or "").strip()
            hint = str(item.get("type") or "")
            if not content:
                problems.append(f"line {number}: no content")
            elif item.get("priority") not in PRIORITIES or item.get("category") not in CATEGORIES:
                problems.append(
                    f"line {number}: bad label {item.get('priority')}/{item.get('category')}"
                )
            elif hint not in HINTS:
                problems.append(f"line {number}: bad type {hint!r}")
            elif _key(content) in seen:
                problems.append(f"line {number}: duplicate")
            else:
                seen.add(_key(content))
                kept.append(
                    {
                        "id": str(item.get("id") or f"v{name}{number:04d}"),
                        "type": hint,
                        "content": content,
                        "priority": item["priority"],
                        "category": item["category"],
                    }
                )
        target = DATA / f"train_voice_{name}.jsonl"
        target.write_text(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept), encoding="utf-8"
        )
        print(f"{path.name} -> {target.name}: kept {len(kept)}, dropped {len(problems)}")
        for problem in problems:
            print("   ", problem)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "voices"))
