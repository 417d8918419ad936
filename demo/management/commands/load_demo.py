import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.orders import demo_orders_shift_to_now
from knowledge.services import faq_embeddings_backfill

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# The demo FAQ in English and its Spanish, German and French translations.
DEMO_FIXTURES = [
    "demo_users.json",
    "demo_orders.json",
    "demo_faq.json",
    "demo_faq_es.json",
    "demo_faq_de.json",
    "demo_faq_fr.json",
]
DEMO_STAFF_USERNAME = "admin"


def _demo_order_ids() -> list[str]:
    rows = json.loads((FIXTURES_DIR / "demo_orders.json").read_text())
    return [row["fields"]["order_id"] for row in rows if row["model"] == "orders.order"]


class Command(BaseCommand):
    help = (
        "Load the demo fixtures (staff user, orders, FAQ) and move the demo orders' times "
        "relative to now, so that some are inside the 24-hour cancellation window. "
        "Safe to run again: it resets the demo rows each time. Refuses to run with "
        "DJANGO_ENV=production unless --allow-production is given; then the demo superuser "
        "gets a random password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo under DJANGO_ENV=production too (the staff user gets a random password).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        production = getattr(settings, "PRODUCTION", False)
        if production and not allow_production:
            # The demo resets orders and the FAQ, and its superuser's password is public.
            raise CommandError(
                "load_demo refuses to run with DJANGO_ENV=production: it overwrites orders and FAQ "
                "entries and creates a superuser. Pass --allow-production if you really mean it."
            )
        for name in DEMO_FIXTURES:
            call_command("loaddata", str(FIXTURES_DIR / name), verbosity=0)
        moved = demo_orders_shift_to_now(order_ids=_demo_order_ids())
        # loaddata saves raw rows (no signals): embed the entries now, so that a server started
        # next finds their vectors stored instead of computing them before its first answer.
        embedded = faq_embeddings_backfill()
        if embedded:
            self.stdout.write(f"{embedded} FAQ entries embedded for the semantic search.")
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {moved} orders moved to the current time."))
        admin_url = f"/{settings.ADMIN_URL}"
        if production:
            # Never admin/admin on a reachable server: a random password, shown this once.
            password = secrets.token_urlsafe(18)
            staff = get_user_model().objects.get(username=DEMO_STAFF_USERNAME)
            staff.set_password(password)
            staff.save(update_fields=["password"])
            self.stdout.write(
                f"Admin: {admin_url}  (login: {DEMO_STAFF_USERNAME} / {password})  This password is shown only now."
            )
        else:
            self.stdout.write(f"Admin: http://127.0.0.1:8000{admin_url}  (login: admin / admin)")
