import time

from django.core.management.base import BaseCommand

from knowledge.search.index import load_or_build
from knowledge.search.source import kb_fingerprint_from_db


class Command(BaseCommand):
    help = (
        "Build (or load, when already persisted) the FAQ search index for the current knowledge base, "
        "computing any missing embeddings. Run after a deploy so the first question does not wait."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        index = load_or_build(kb_fingerprint_from_db(), show_progress=options["verbosity"] > 0)
        self.stdout.write(
            self.style.SUCCESS(f"Index ready: {len(index)} published entries in {time.perf_counter() - started:.1f}s.")
        )
