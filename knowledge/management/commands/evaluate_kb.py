from django.core.management.base import BaseCommand, CommandError

from knowledge.evaluation import DEFAULT_EVAL_SET, EvaluationSetError, evaluate_kb
from knowledge.models import FAQEntry
from knowledge.selectors import faq_confidence_threshold
from knowledge.search.embeddings import embeddings_enabled


class Command(BaseCommand):
    help = 'Print top-1/top-3 accuracy and the correct "I don\'t know" rate of the FAQ search on a labelled set.'

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_EVAL_SET), help="evaluation set (JSON)")
        parser.add_argument("--show-misses", action="store_true", help="list the questions it got wrong")

    def handle(self, *args, **options):
        try:
            report = evaluate_kb(options["file"], show_progress=options["verbosity"] > 0)
        except EvaluationSetError as exc:
            raise CommandError(str(exc)) from exc
        mode = "lexical + embeddings" if embeddings_enabled() else "lexical"
        published = FAQEntry.objects.filter(is_published=True).count()
        w = self.stdout.write
        w(f"search: {mode}; {published} published entries; threshold {faq_confidence_threshold():.2f}")
        w(f"answerable questions:   {report.answerable}")
        w(f"  top-1 accuracy:       {report.top1_accuracy:.1%} ({report.top1}/{report.answerable})")
        w(f"  top-3 accuracy:       {report.top3_accuracy:.1%} ({report.top3}/{report.answerable})")
        w(f"  top-1 and confident:  {report.confident_correct_rate:.1%}")
        w(f"unanswerable questions: {report.unanswerable}")
        w(f'  correct "I don\'t know": {report.idk_rate:.1%} ({report.correct_idk}/{report.unanswerable})')
        if options["show_misses"]:
            for miss in report.misses:
                w(f"  MISS {miss}")
            for false in report.false_answers:
                w(f"  FALSE ANSWER {false}")
