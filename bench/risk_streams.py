"""Do the risk detectors find planted events, and do quiet streams stay quiet?

Loads the demo region tree (load_demo(residents=200)) plus 300 bench residents in each of
12 demo communities, then runs simulated appeal streams, each over 3 communities and
45–60 days: a Poisson background (a community-specific rate of 0.3–2 appeals a day,
realistic category shares, texts drawn from 161 matter phrasings in 67 topics combined
with 33 places, openings and closings) and, except in the quiet streams, one planted event:

- surge:   k = 5–8 appeals of one category in one community within 24 hours (different
           matters, different residents), placed after day 31 so the baseline is full;
- cluster: 3–5 different residents telling the same matter in their own words (25
           matters with 5 paraphrases each: three share the matter's key clause, two
           tell it freely) within 48 hours;
- repeat:  one resident filing 3–4 appeals about different matters within 30 days (the
           background of these streams also has natural second-time reporters: at most
           two appeals per person in 30 days).

In the other streams nobody files twice within 30 days, and no topic comes up more than
twice in a community within 72 hours, so quiet streams contain none of the three events.

Appeals are fed in time order with core.clock.now set to each appeal's received time:
services.appeal_submit(...) then services.appeal_risk_check(appeal_id=...) (which runs
risk.scan and writes RiskAlert rows with their deduplication keys; the script wraps
risk.scan to also see every firing, deduplicated or not). Each stream runs in one
transaction that is rolled back, so streams do not see each other and the database
stays as prepared.

Figures per kind: detection rate (planted events for which the detector fired on
evidence from the planted appeals during the event or within 24 hours after it),
the planted appeal that triggered it and the delay, alert rows per event, and false
alarms (alert rows per quiet stream-month, per community-month, the share of quiet
streams with any alert), plus stray alerts in all streams outside planted evidence.

    .venv/bin/python bench/risk_streams.py              # SQLite (/tmp file, recreated)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiaoliuba_risk_bench .venv/bin/python bench/risk_streams.py

Knobs (environment): BENCH_STREAMS (30: streams of each of the four kinds),
BENCH_WORKERS (2: processes; SQLite workers get a copy of the prepared file each),
BENCH_SEED (20261129), BENCH_JSON (write per-stream records to this path),
BENCH_WHATIF=1 (instead: replay the same streams through the surge rule in memory, with the
current and a few alternative settings; ~10 s), BENCH_WHATIF=cluster (instead: replay the
streams through the cluster grouping in memory), BENCH_CLUSTER_SET=fresh (the 15 matters of
the first pass's fresh set, iterated on since) or =eval (bench/risk_fresh_eval.py: 24 matters
kept for evaluation only; measure, never tune), BENCH_HELDOUT=1 (bench/risk_heldout.py: its 20
matters and the triage test file as every stream's background), BENCH_HELDOUT_MODULE=/path/file.py
(another matter set over the held-out background: the file's HELDOUT2_CLUSTER_MATTERS, or the
variable named by BENCH_HELDOUT_VARIABLE, shaped like HELDOUT_CLUSTER_MATTERS; BENCH_HELDOUT_CLOSE=2
leading tellings share a line), BENCH_QUICK=1 (cluster replay of the cluster and quiet streams
only), BENCH_MATCHING="OBJECT_COMMON=8,..." (other constants of matching.py in the cluster
replay), BENCH_SURGE_VARIANTS="current|P=0.002" (a subset of the surge variants, by name). Two
replays at once need their own BENCH_DATABASE_URL (the default file is shared). The RISK_* settings come from the
environment as usual (config/settings/base.py). Results: bench/results-risk.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_URL = "sqlite:////tmp/jiaoliuba-risk-bench.sqlite3"
os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)

# The stream generator, the database run, the figures and the in-memory replays live in
# modules of their own (risk_stream_*.py), the text pools in risk_stream_texts.py.
from risk_stream_gen import WORKER, WORKERS  # noqa: E402  (after the environment default)
from risk_stream_replay import cluster_what_if, surge_what_if  # noqa: E402
from risk_stream_report import report  # noqa: E402
from risk_stream_run import prepare, worker_main  # noqa: E402

if WORKERS not in (1, 2, 4):
    sys.exit("BENCH_WORKERS must be 1, 2 or 4 (workers own whole community sets)")


def _bootstrap() -> str:
    """Fresh SQLite file in the main process, then Django on it; the database URL."""
    url = os.environ["BENCH_DATABASE_URL"]
    if WORKER is None and url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite://"))
        for extra in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    from _setup import setup

    return setup()


def main() -> None:
    url = _bootstrap()
    if os.environ.get("BENCH_WHATIF") == "cluster":
        cluster_what_if()
        return
    if os.environ.get("BENCH_WHATIF"):
        surge_what_if()
        return
    if WORKER is not None:
        results = worker_main(int(WORKER))
        Path(os.environ["BENCH_RISK_OUT"]).write_text(json.dumps(results, ensure_ascii=False))
        return
    started = time.perf_counter()
    prepare()
    print(f"prepared in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if WORKERS == 1:
        results = worker_main(0)
    else:
        from django.db import connections

        connections.close_all()
        procs, outs = [], []
        for w in range(WORKERS):
            env = dict(
                os.environ,
                BENCH_RISK_WORKER=str(w),
                BENCH_RISK_OUT=f"/tmp/jiaoliuba-risk-worker{w}-{os.getpid()}.json",
            )
            if url.startswith("sqlite:///"):
                path = url.removeprefix("sqlite://")
                copy = f"{path}.worker{w}"
                shutil.copyfile(path, copy)
                env["BENCH_DATABASE_URL"] = f"sqlite://{copy}"
            outs.append(env["BENCH_RISK_OUT"])
            procs.append(subprocess.Popen([sys.executable, __file__], env=env))
        failed = [p.wait() for p in procs]
        if any(failed):
            sys.exit(f"a worker failed: exit codes {failed}")
        results = []
        for out in outs:
            results += json.loads(Path(out).read_text())
            Path(out).unlink()
        if url.startswith("sqlite:///"):
            for w in range(WORKERS):
                Path(f"{url.removeprefix('sqlite://')}.worker{w}").unlink(missing_ok=True)
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str)
        )
    report(results, time.perf_counter() - started, url)


if __name__ == "__main__":
    main()
