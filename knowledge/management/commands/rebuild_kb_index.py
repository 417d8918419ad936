import json
import sys

from django.core.management.base import BaseCommand, CommandError

from knowledge.search.rebuild import READY, RebuildError, rebuild_and_save, use_parent_settings


class Command(BaseCommand):
    help = (
        "Build and save the full FAQ search index of the current knowledge base, then print where it is "
        f"(a line starting {READY.strip()!r}). The server's background rebuild runs this in a child process; "
        "`kb_index` is the command to run by hand."
    )
    # A child of a running server: the server has run the checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--parent-settings",
            action="store_true",
            help="read the parent's database settings, index directory and embeddings switch as JSON on stdin",
        )

    def handle(self, *args, **options):
        if options["parent_settings"]:
            use_parent_settings(json.loads(sys.stdin.read()))
        try:
            reply = rebuild_and_save()
        except RebuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(READY + json.dumps(reply))
