from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assistant.engine.evaluation import (
    GOAL_LABELS,
    EvaluationFileError,
    clinc_rows,
    evaluate_routing,
    read_labelled_file,
)


class Command(BaseCommand):
    help = (
        "Route each labelled utterance of FILE (CSV with text,label or JSONL) through the orchestrator "
        "and print accuracy, per-label precision/recall, macro recall, out-of-scope recall, how often other "
        "shop requests started an order flow, and the confusion matrix. --clinc instead evaluates the part "
        "of CLINC150 never trained on (--split test: held-out in-scope lines; --split oos_test: its "
        "out-of-scope validation queries)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--split", help="JSONL only: evaluate the rows of this split (e.g. test)")
        parser.add_argument("--clinc", action="store_true", help="evaluate the held-out part of CLINC150")
        parser.add_argument("--show-mistakes", action="store_true", help="list every misrouted utterance")

    def handle(self, *args, **options):
        try:
            if options["clinc"]:
                rows = clinc_rows(options["split"] or "test")
            elif options["file"] is None:
                raise CommandError("give a FILE, or --clinc")
            else:
                rows = read_labelled_file(options["file"], split=options["split"])
        except EvaluationFileError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError("no labelled rows to evaluate")
        report = evaluate_routing(rows, progress=lambda r: tqdm(r, desc="routing", unit="msg", disable=None))
        labels = report.labels

        out = self.stdout.write
        out(f"utterances: {report.total}")
        out(f"accuracy:   {report.accuracy:.1%} ({report.correct}/{report.total})")
        out("")
        out(f"{'label':<14}{'precision':>10}{'recall':>10}{'strict':>10}{'support':>10}")
        for label in labels:
            out(
                f"{label:<14}{report.precision(label):>10.1%}{report.recall(label):>10.1%}"
                f"{report.strict_recall(label):>10.1%}{report.support(label):>10}"
            )
        present = [label for label in GOAL_LABELS if report.support(label)]
        if present and "other" not in labels:
            out("")
            out(f"macro recall ({' / '.join(present)}): {report.macro_recall():.1%}")
            if report.support("out_of_scope"):
                out(f"out-of-scope recall (FallbackAgent): {report.recall('out_of_scope'):.1%}")
            if report.support("shop_other"):
                rate = report.order_flow_rate("shop_other")
                out(f"other shop requests that started no order flow: {1 - rate:.1%} (started one: {rate:.1%})")
            if report.support("smalltalk"):
                out(f"small talk to the FallbackAgent: {report.recall('smalltalk'):.1%}")
        out("")
        out("confusion matrix (rows: expected, columns: routed to)")
        width = max(len(label) for label in labels) + 2
        out(" " * 14 + "".join(f"{label:>{width}}" for label in labels))
        for expected in labels:
            out(f"{expected:<14}" + "".join(f"{report.confusion[(expected, p)]:>{width}}" for p in labels))
        if options["show_mistakes"] and report.mistakes:
            out("")
            for expected, predicted, text in report.mistakes:
                out(f"{expected:>12} -> {predicted:<12} {text}")
