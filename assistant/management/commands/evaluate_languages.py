import json
import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from assistant.engine.language_evaluation import (
    REPLY_LABELS,
    LanguageEvaluationError,
    LanguageReport,
    evaluate_languages,
    load_demo_faq,
    macro_recall,
)


@contextmanager
def scratch_database():
    """A throw-away test database (migrated, empty), so the shop's own data is never touched."""
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(old, verbosity=0)


class Command(BaseCommand):
    help = (
        "Per language (es, de, fr; English for comparison): routing accuracy and macro recall on the "
        "multilingual held-out set, how often a reply to our cancel confirmation cancels (a yes should, "
        "a no or anything else never), and the demo knowledge base's top-1, correct-and-confident and "
        "own-language vs English-fallback answers. Runs on a scratch database with the demo FAQ loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lang", action="append", help="only this language (repeatable): es, de, fr or en")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--show-mistakes", action="store_true", help="list misrouted lines and wrong consent outcomes")

    def handle(self, *args, **options):
        languages = [code.lower() for code in options["lang"] or []]
        # Every turn logs its tool calls; only warnings and errors are of interest here.
        logging.disable(logging.INFO)
        try:
            with scratch_database():
                load_demo_faq()
                report = evaluate_languages(languages=languages or None)
        except LanguageEvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
            return
        self.print_report(report, show_mistakes=options["show_mistakes"])

    def print_report(self, report: LanguageReport, *, show_mistakes: bool) -> None:
        out = self.stdout.write
        routing = dict(report.routing)
        if report.english_routing is not None:
            routing = {"en": report.english_routing, **routing}
        out("Routing (the orchestrator's decision; en: routing_stress_fresh, others: routing_multilingual_eval)")
        out(f"{'lang':<6}{'lines':>7}{'accuracy':>10}{'macro recall':>14}  recall per label")
        for lang, r in routing.items():
            per_label = ", ".join(f"{label} {r.recall(label):.0%}" for label in r.labels if r.support(label))
            out(f"{lang:<6}{r.total:>7}{r.accuracy:>10.1%}{macro_recall(r):>14.1%}  {per_label}")
        out("")
        out("Consent (replies to our confirmation question for one order: how often the order was cancelled)")
        out(f"{'lang':<6}{'affirm':>14}{'deny':>12}{'other':>12}{'unwanted':>10}{'not asked':>11}")
        for lang, c in report.consent.items():
            cells = [f"{c.rate(label):.0%} ({c.cancelled[label]}/{c.replies[label]})" for label in REPLY_LABELS]
            out(f"{lang:<6}{cells[0]:>14}{cells[1]:>12}{cells[2]:>12}{c.unwanted_rate:>10.1%}{c.not_asked:>11}")
        out("")
        out("Knowledge base (demo FAQ in four languages; answered = confident top hit)")
        out(
            f"{'lang':<6}{'questions':>10}{'top-1':>8}{'correct+confident':>19}{'confidently wrong':>19}{'own language':>14}{'English fallback':>18}"
        )
        for lang, k in report.knowledge.items():
            out(
                f"{lang:<6}{k.questions:>10}{k.top1:>8.1%}{k.confident_correct:>19.1%}{k.confident_wrong:>19.1%}"
                f"{k.own_language:>14.1%}{k.fallback:>18.1%}"
            )
        if not show_mistakes:
            return
        out("")
        for lang, r in routing.items():
            for expected, predicted, text in r.mistakes:
                out(f"routing {lang}: {expected:>12} -> {predicted:<12} {text}")
        for lang, c in report.consent.items():
            for result in c.mistakes:
                verdict = "cancelled" if result.cancelled else "not cancelled"
                out(f"consent {lang}: {result.line.label:>6} {verdict:<13} {result.agent}/{result.outcome} {result.line.text}")
        for lang, k in report.knowledge.items():
            for a in k.asked:
                if not (a.right and a.confident):
                    status = "wrong" if not a.right else "not confident"
                    out(f"kb {lang}: {status:<13} hit {a.entry_id} ({a.language}) {a.question.question}")
