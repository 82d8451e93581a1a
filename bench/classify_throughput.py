"""`jiaoliuba classify` throughput on one core: 20,000 appeals from the corpus through the
real command (JSON lines in and out), pinned to CPU 0 with taskset when available.

    .venv/bin/python bench/classify_throughput.py
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "jiaoliuba" / "triage" / "data"
N = int(os.environ.get("BENCH_LINES", "20000"))


def main() -> None:
    rows = [
        json.loads(line)
        for path in sorted(DATA.glob("train_*.jsonl"))
        for line in path.open(encoding="utf-8")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for i in range(N):
                row = rows[i % len(rows)]
                out.write(
                    json.dumps(
                        {"id": i, "type": row["type"], "content": row["content"]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp}/none.sqlite3",
            "JIAOLIUBA_VAR_DIR": tmp,
        }
        command = [sys.executable, "-m", "jiaoliuba", "classify"]
        if shutil.which("taskset"):
            command = ["taskset", "-c", "0", *command]
        # Start-up alone (Django, the model) is measured separately, then the full run.
        # CPU seconds of the child (user + system) are printed too: on a shared machine
        # the wall clock mostly measures the queue for the core.
        cpu0 = _children_cpu()
        start = time.perf_counter()
        subprocess.run(
            command, input="", capture_output=True, text=True, env=env, cwd=ROOT, check=True
        )
        startup = time.perf_counter() - start
        cpu1 = _children_cpu()
        start = time.perf_counter()
        with source.open(encoding="utf-8") as stdin:
            result = subprocess.run(
                command, stdin=stdin, capture_output=True, text=True, env=env, cwd=ROOT, check=True
            )
        total = time.perf_counter() - start
        cpu2 = _children_cpu()
    lines = result.stdout.count("\n")
    print(f"{lines:,} appeals in {total:.2f}s including {startup:.2f}s start-up on one core")
    print(
        f"throughput: {lines / total:,.0f}/s overall, {lines / max(total - startup, 1e-9):,.0f}/s after start-up"
    )
    cpu_startup, cpu_total = cpu1 - cpu0, cpu2 - cpu1
    print(
        f"CPU time: {cpu_total:.2f}s including {cpu_startup:.2f}s start-up; "
        f"{lines / cpu_total:,.0f}/CPU-s overall, "
        f"{lines / max(cpu_total - cpu_startup, 1e-9):,.0f}/CPU-s after start-up; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
