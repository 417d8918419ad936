"""``manage.py session_hash SESSION_ID``: what logs and audit rows call a session."""

from django.core.management.base import BaseCommand

from core.session_hash import session_hash


class Command(BaseCommand):
    help = (
        "Print the keyed hash that log lines (session_id) and cancellation audit rows keep "
        "instead of a chat session ID, to search them for one conversation."
    )

    def add_arguments(self, parser):
        parser.add_argument("session_id", nargs="+", help="The session ID(s), as the Conversation admin shows them.")

    def handle(self, *args, session_id: list[str], **options):
        for value in session_id:
            self.stdout.write(f"{value}\t{session_hash(value)}")
