"""`jiaoliuba classify`: JSON lines in ({"id", "type", "content"}), JSON lines out
({"id", "priority", "category", "confidence"}). Offline; batches for speed."""

import json
import sys

from django.core.management.base import BaseCommand

from jiaoliuba.triage.classifier import classify_many


class Command(BaseCommand):
    help = "Classify appeals given as JSON lines on standard input."
    # Offline and read-only: the system checks would import every URL and API module
    # (most of a second) before the first line is read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=512)

    def handle(self, *, batch: int, **options):
        out = sys.stdout
        pending: list[dict] = []

        def flush():
            verdicts = classify_many(
                [(str(i.get("content") or ""), str(i.get("type") or "")) for i in pending],
                explain=False,
            )
            for item, v in zip(pending, verdicts, strict=True):
                out.write(
                    json.dumps(
                        {
                            "id": item.get("id"),
                            "priority": v.priority,
                            "category": v.category,
                            "confidence": v.confidence,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            pending.clear()

        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                flush()
                out.write(json.dumps({"id": None, "error": f"line {number}: {exc}"}) + "\n")
                continue
            pending.append(item)
            if len(pending) >= batch:
                flush()
        flush()
        out.flush()
