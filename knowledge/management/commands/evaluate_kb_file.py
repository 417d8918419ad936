import logging

from django.core.management.base import BaseCommand, CommandError

from knowledge.kb_evaluation import TABLE_HEADER, evaluate_labelled_kb
from knowledge.kb_sets import NAMED_KBS, KBFileError, load_labelled_kb, named_kb
from knowledge.search.embeddings import embeddings_enabled, embeddings_missing_packages
from knowledge.selectors import faq_confidence_threshold


class Command(BaseCommand):
    help = (
        "Load a knowledge base from a file (not the database), ask its labelled paraphrases, and print top-1, "
        'correct and confident, confidently wrong, and the "I don\'t know" rate on questions whose entry is '
        "left out. FILE: StackFAQ or CovidFAQ JSON, this project's format, or a fixture with --questions; "
        "or one of " + ", ".join(NAMED_KBS) + ", or 'all'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="+", help="knowledge-base file(s) or names")
        parser.add_argument("--questions", help="for a fixture: the labelled set (knowledge/eval format)")
        parser.add_argument("--no-leave-one-out", action="store_true", help="skip the left-out entries' questions")
        parser.add_argument("--left-out-per-entry", type=int, default=None, help="ask at most N questions of each left-out entry")
        search = parser.add_mutually_exclusive_group()
        search.add_argument("--lexical", action="store_true", help="lexical search only")
        search.add_argument("--semantic", action="store_true", help="lexical + embeddings")
        parser.add_argument("--show-misses", type=int, default=0, metavar="N", help="list N questions it got wrong")

    def handle(self, *args, **options):
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        semantic = embeddings_enabled() if not (options["lexical"] or options["semantic"]) else options["semantic"]
        if semantic and embeddings_missing_packages():
            raise CommandError("semantic search needs " + ", ".join(embeddings_missing_packages()))
        names = [n for f in options["file"] for n in (NAMED_KBS if f == "all" else [f])]
        threshold = faq_confidence_threshold()
        w = self.stdout.write
        w(f"search: {'lexical + embeddings' if semantic else 'lexical'}; threshold {threshold:.2f}")
        w(TABLE_HEADER)
        for name in names:
            try:
                kb = named_kb(name) if name in NAMED_KBS else load_labelled_kb(name, questions=options["questions"])
            except KBFileError as exc:
                raise CommandError(str(exc)) from exc
            figures, asked = evaluate_labelled_kb(
                kb,
                semantic=semantic,
                threshold=threshold,
                leave_one_out=not options["no_leave_one_out"],
                left_out_per_entry=options["left_out_per_entry"],
                show_progress=options["verbosity"] > 1,
            )
            w(figures.row())
            if options["show_misses"]:
                questions = {e.id: e.question for e in kb.entries}
                misses = [a for a in asked if a.expected is not None and not a.label][: options["show_misses"]]
                for a in misses:
                    got = questions.get(a.ranked[0]) if a.ranked else None
                    w(f"  MISS {a.question!r}: wanted {questions[a.expected]!r}, got {got!r}")
