import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from orders.demo import demo_orders_shift_to_now

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_FIXTURES = ["demo_users.json", "demo_orders.json", "demo_faq.json"]


def _demo_order_ids() -> list[str]:
    rows = json.loads((FIXTURES_DIR / "demo_orders.json").read_text())
    return [row["fields"]["order_id"] for row in rows if row["model"] == "orders.order"]


class Command(BaseCommand):
    help = (
        "Load the demo fixtures (staff user, orders, FAQ) and move the demo orders' times "
        "relative to now, so that some are inside the 24-hour cancellation window. "
        "Safe to run again: it resets the demo rows each time."
    )

    def handle(self, *args, **options):
        for name in DEMO_FIXTURES:
            call_command("loaddata", str(FIXTURES_DIR / name), verbosity=0)
        moved = demo_orders_shift_to_now(order_ids=_demo_order_ids())
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {moved} orders moved to the current time."))
        self.stdout.write(f"Admin: http://127.0.0.1:8000/{settings.ADMIN_URL}  (login: admin / admin)")
