from django.core.management.base import BaseCommand, CommandError

from knowledge.faq_io import FAQFileError, faq_rows_read
from knowledge.services import FAQImportError, faq_import


class Command(BaseCommand):
    help = (
        "Import FAQ entries from a JSON file (a list of objects with question and answer) or a CSV file. "
        "Every row is validated first; a file with any invalid row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "csv"], help="default: from the file extension")
        parser.add_argument("--update", action="store_true", help="update entries whose question matches")

    def handle(self, *args, **options):
        try:
            rows = faq_rows_read(options["file"], fmt=options["format"])
        except FAQFileError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = faq_import(rows=rows, update=options["update"], show_progress=options["verbosity"] > 0)
        except FAQImportError as exc:
            for line in exc.errors[:200]:
                self.stderr.write(line)
            if len(exc.errors) > 200:
                self.stderr.write(f"... and {len(exc.errors) - 200} more")
            raise CommandError(str(exc)) from exc
        message = f"Imported {options['file']}: {result.created} created, {result.updated} updated"
        if result.embedded:
            message += f", {result.embedded} embedded"
        self.stdout.write(self.style.SUCCESS(message + "."))
