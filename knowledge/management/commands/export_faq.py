import sys

from django.core.management.base import BaseCommand, CommandError

from knowledge.faq_io import FAQFileError, faq_file_format, faq_rows_write
from knowledge.services import faq_export_rows


class Command(BaseCommand):
    help = "Export FAQ entries in the import format (JSON or CSV), to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="output file (.json or .csv); default: standard output")
        parser.add_argument("--format", choices=["json", "csv"], help="default: from the file extension, else json")
        parser.add_argument("--published-only", action="store_true")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            fmt = faq_file_format(path, options["format"]) if path else (options["format"] or "json")
        except FAQFileError as exc:
            raise CommandError(str(exc)) from exc
        rows = faq_export_rows(published_only=options["published_only"])
        if path:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                faq_rows_write(rows, stream, fmt=fmt)
            self.stderr.write(f"Exported {len(rows)} entries to {path}.")
        else:
            faq_rows_write(rows, sys.stdout, fmt=fmt)
