from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from orders.services import idempotency_records_prune


class Command(BaseCommand):
    help = "Delete stored cancel answers (idempotency records) older than --days (default 7). Run it daily."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=float, default=7.0)

    def handle(self, *args: Any, days: float, **options: Any) -> None:
        deleted = idempotency_records_prune(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} idempotency records older than {days:g} days.")
