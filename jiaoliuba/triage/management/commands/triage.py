"""`jiaoliuba triage retrain|evaluate|ship`."""

import json

from django.core.management.base import BaseCommand, CommandError

from jiaoliuba.triage import classifier, services
from jiaoliuba.triage.model import SHIPPED_MODEL, evaluate, test_corpus


class Command(BaseCommand):
    help = "Train, compare and evaluate the triage model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "retrain",
            help="Train on the corpus plus staff corrections; activate if red recall is not worse.",
        )
        sub.add_parser(
            "evaluate", help="Measure the active triage (rules + model) on the held-out test set."
        )
        ship = sub.add_parser(
            "ship", help="Developers: rebuild the model file that ships in the package."
        )
        ship.add_argument("--output", default=str(SHIPPED_MODEL))

    def handle(self, *, action, **options):
        if action == "retrain":
            result = services.triage_model_retrain(notes="manual retrain")
            state = "activated" if result.activated else "kept the current model"
            self.stdout.write(f"{result.candidate.version}: {state} ({result.reason})")
            self.stdout.write(
                json.dumps(
                    {
                        k: result.candidate.metrics[k]
                        for k in ("red_recall", "priority_accuracy", "category_macro_f1")
                    }
                )
            )
        elif action == "evaluate":
            report = evaluate(
                lambda texts, hints: [
                    (v.priority, v.category)
                    for v in classifier.classify_many(list(zip(texts, hints, strict=True)))
                ],
                test_corpus(),
            )
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        elif action == "ship":
            model, metrics, n = services.triage_model_build()
            with open(options["output"], "wb") as handle:
                handle.write(model.dumps())
            self.stdout.write(
                f"wrote {options['output']} (trained on {n}, red threshold {model.red_threshold:.3f})"
            )
            self.stdout.write(
                json.dumps(
                    {
                        k: metrics[k]
                        for k in ("red_recall", "priority_accuracy", "category_macro_f1")
                    }
                )
            )
        else:
            raise CommandError(action)
