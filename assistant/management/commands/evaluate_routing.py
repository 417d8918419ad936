from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assistant.engine.classifier import LABELS
from assistant.engine.evaluation import EvaluationFileError, evaluate_routing, read_labelled_file


class Command(BaseCommand):
    help = (
        "Route each labelled utterance of FILE (CSV with text,label or JSONL) through the orchestrator "
        "and print accuracy, per-label precision/recall and the confusion matrix."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--split", help="JSONL only: evaluate the rows of this split (e.g. test)")
        parser.add_argument("--show-mistakes", action="store_true", help="list every misrouted utterance")

    def handle(self, *args, **options):
        try:
            rows = read_labelled_file(options["file"], split=options["split"])
        except EvaluationFileError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError("no labelled rows to evaluate")
        report = evaluate_routing(rows, progress=lambda r: tqdm(r, desc="routing", unit="msg", disable=None))

        out = self.stdout.write
        out(f"utterances: {report.total}")
        out(f"accuracy:   {report.accuracy:.1%} ({report.correct}/{report.total})")
        out("")
        out(f"{'label':<10}{'precision':>10}{'recall':>10}{'support':>10}")
        for label in LABELS:
            support = sum(n for (e, _), n in report.confusion.items() if e == label)
            out(f"{label:<10}{report.precision(label):>10.1%}{report.recall(label):>10.1%}{support:>10}")
        out("")
        out("confusion matrix (rows: expected, columns: routed to)")
        out(" " * 10 + "".join(f"{label:>9}" for label in LABELS))
        for expected in LABELS:
            out(f"{expected:<10}" + "".join(f"{report.confusion[(expected, p)]:>9}" for p in LABELS))
        if options["show_mistakes"] and report.mistakes:
            out("")
            for expected, predicted, text in report.mistakes:
                out(f"{expected:>8} -> {predicted:<8} {text}")
