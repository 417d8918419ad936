"""``manage.py purge_conversations --older-than 30d``: the retention job (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from assistant.retention import RetentionError, conversations_purge, parse_age


class Command(BaseCommand):
    help = (
        "Delete conversations (and their messages) whose last activity is older than "
        "--older-than (e.g. 30d, 12h, 2w), in batches of --batch-size conversations, one "
        "transaction each. --dry-run only counts what would be deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", required=True, help="Age of the last activity: 30d, 12h, 2w, 90min (not m: minutes or months?)."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Conversations per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, older_than: str, batch_size: int, dry_run: bool, **options):
        try:
            result = conversations_purge(older_than=parse_age(older_than), batch_size=batch_size, dry_run=dry_run)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Would delete" if dry_run else "Deleted"
        batches = "" if dry_run else f" in {result.batches} batch{'es' if result.batches != 1 else ''}"
        self.stdout.write(
            f"{verb} {result.conversations} conversations and {result.messages} messages "
            f"last active before {result.cutoff:%Y-%m-%d %H:%M} UTC{batches}."
        )
