"""The cluster detector's evidence one pair at a time: how often two tellings of one matter
link (`matching.score` ≥ RISK_CLUSTER_SIMILARITY), against how often a telling links to an
unrelated appeal. A group needs three linked members, so the pair rate bounds what the
stream replays (`risk_streams.py`) can find; it takes seconds where a replay takes minutes.

Every matter set of the bench is scored: the tuning sets (the bench's 25 and the earlier
15), the evaluation set (24), the held-out set (20) and the blind sets 2, 3, 4 and 5 (24 each).
Unrelated appeals are the triage held-out file (other writers), 40 drawn per telling; the
district's corpus is that file. Besides the detector's own threshold, the pair rate is
printed at the thresholds where 1 % and 1.5 % of unrelated pairs link, so two versions of
the matcher compare at the same false-link rate.

    .venv/bin/python bench/risk_pairs.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import _setup  # noqa: E402

_setup.setup()

from django.conf import settings  # noqa: E402

from jiaoliuba.appeals import matching  # noqa: E402


def main() -> None:
    # The bench's own pools, read after setup.
    import risk_heldout
    import risk_stream_texts as texts
    from risk_fresh_eval import EVAL_CLUSTER_MATTERS

    def blind(name: str) -> list[tuple[str, list[str]]]:
        return risk_heldout.load_matters(str(BENCH / name), "HELDOUT2_CLUSTER_MATTERS")

    sets = {
        "tuning: bench's 25": texts.CLUSTER_MATTERS,
        "tuning: earlier 15": texts.FRESH_CLUSTER_MATTERS,
        "evaluation 24": EVAL_CLUSTER_MATTERS,
        "held-out 20": risk_heldout.HELDOUT_CLUSTER_MATTERS,
        "blind set 2": blind("risk_blind_set2.py"),
        "blind set 3": blind("risk_blind_set3.py"),
        "blind set 4": blind("risk_blind_set4.py"),
        "blind set 5": blind("risk_blind_set5.py"),
    }
    unrelated = [
        json.loads(line)["content"] for line in risk_heldout._TRIAGE_TEST.open(encoding="utf-8")
    ]
    corpus = matching.learn([(text, i % 7) for i, text in enumerate(unrelated)])
    others = [matching.telling(text, corpus) for text in unrelated]
    rng = random.Random(1)
    threshold = settings.RISK_CLUSTER_SIMILARITY
    same: dict[str, list[float]] = {}
    apart: list[float] = []
    for name, matters in sets.items():
        for _category, tellings in matters:
            told = [matching.telling(text, corpus) for text in tellings]
            same.setdefault(name, []).extend(
                matching.score(a, b, corpus) for i, a in enumerate(told) for b in told[i + 1 :]
            )
            apart += [matching.score(a, b, corpus) for a in told for b in rng.sample(others, 40)]
    apart.sort(reverse=True)
    cuts = {f"{share:.1%} false": apart[int(share * len(apart))] for share in (0.01, 0.015)}
    false_rate = sum(s >= threshold for s in apart) / len(apart)
    print(f"unrelated pairs: {len(apart)}, linked at {threshold}: {false_rate:.1%}")
    heads = [f"linked at {threshold}", *(f"at {k} (≥ {v:.3f})" for k, v in cuts.items())]
    print("| matter set | pairs | " + " | ".join(heads) + " |")
    print("|---|---:|" + "---:|" * len(heads))
    for name, scores in same.items():
        rates = [sum(s >= threshold for s in scores) / len(scores)]
        rates += [sum(s > cut for s in scores) / len(scores) for cut in cuts.values()]
        print(f"| {name} | {len(scores)} | " + " | ".join(f"{r:.1%}" for r in rates) + " |")


if __name__ == "__main__":
    main()
