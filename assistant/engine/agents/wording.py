"""How the agents phrase orders, dates and items for a customer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache, reduce
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from orders.domain import OrderRecord

# Lazy: translated into the language of the turn that says them, not at import.
ORDER_SYSTEM_APOLOGY = gettext_lazy("I'm sorry, I can't reach the order system right now. Please try again in a few minutes.")
ASK_ORDER_ID = gettext_lazy("Could you give me your order number? It looks like ORD-1234 (ORD- followed by four digits).")

# What tracking says of an order in each status: whole sentences, so that every language
# can put the order number where its word order wants it.
STATUS_SENTENCES = {
    "placed": gettext_lazy("Order %(order_id)s has been placed and is waiting to be prepared."),
    "processing": gettext_lazy("Order %(order_id)s is being prepared in our warehouse."),
    "shipped": gettext_lazy("Order %(order_id)s has shipped."),
    "out_for_delivery": gettext_lazy("Order %(order_id)s is out for delivery."),
    "delivered": gettext_lazy("Order %(order_id)s has been delivered."),
    "cancelled": gettext_lazy("Order %(order_id)s was cancelled."),
}
# An order's status as a label ("Status: out for delivery.").
STATUS_LABELS = {
    "placed": pgettext_lazy("order status", "placed"),
    "processing": pgettext_lazy("order status", "processing"),
    "shipped": pgettext_lazy("order status", "shipped"),
    "out_for_delivery": pgettext_lazy("order status", "out for delivery"),
    "delivered": pgettext_lazy("order status", "delivered"),
    "cancelled": pgettext_lazy("order status", "cancelled"),
}
# The shop writes British English ("Friday, 4 December 2026", "help centre"): plain "en" is en_GB.
_LOCALE_FOR_LANGUAGE = {"en": "en_GB"}


@lru_cache(maxsize=32)
def _babel_locale(name: str) -> Locale:
    try:
        return Locale.parse(_LOCALE_FOR_LANGUAGE.get(name, name))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(_LOCALE_FOR_LANGUAGE["en"])


def active_locale() -> Locale:
    """The Babel locale of the turn's language (Django's active language).

    Only a language the phrases are translated into (``settings.LANGUAGES``) counts: in
    any other the sentences are English, and so are their dates and amounts.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    served = {code for code, _name in settings.LANGUAGES}
    if language not in served:
        language = language.split("-")[0]
    if language not in served:
        language = settings.LANGUAGE_CODE
    return _babel_locale(translation.to_locale(language))


def format_date(value: date) -> str:
    """The date in full, in the turn's language: "Friday, 4 December 2026", "viernes, 4 de diciembre de 2026"."""
    return babel_dates.format_date(value, format="full", locale=active_locale())


def format_datetime(value: datetime) -> str:
    """The moment in the shop's time zone: "4 December 2026 at 14:30 (UTC)"."""
    zone = ZoneInfo(settings.SHOP_TIME_ZONE)
    local = value.astimezone(zone)
    locale = active_locale()
    return _("%(date)s at %(time)s (%(time_zone)s)") % {
        "date": babel_dates.format_date(local, format="long", locale=locale),
        "time": babel_dates.format_time(local, format="short", tzinfo=zone, locale=locale),
        "time_zone": settings.SHOP_TIME_ZONE,
    }


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status.replace("_", " ")))


def status_sentence(order: OrderRecord) -> str:
    """Where the order is, in one sentence ("Order ORD-4567 has shipped.")."""
    template = STATUS_SENTENCES.get(order.status)
    if template is None:  # a status this version does not know: its name as it is
        return _("Order %(order_id)s %(status)s.") % {"order_id": order.order_id, "status": order.status}
    return template % {"order_id": order.order_id}


def _and(head: str, last: str) -> str:
    return pgettext("joins the last item of a list", "%(head)s and %(last)s") % {"head": head, "last": last}


def join_and(items: Iterable[str]) -> str:
    """The items as a list in the turn's language: A; A and B; A, B and C."""
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    return _and(", ".join(parts[:-1]), parts[-1])


def chain_and(items: Iterable[str]) -> str:
    """Every item joined by the conjunction: A and B and C."""
    parts = list(items)
    return reduce(_and, parts) if parts else ""


def format_items(order: OrderRecord) -> str:
    parts = [f"{item.quantity} × {item.product_name}" for item in order.items]
    if not parts:
        return _("no items")
    return join_and(parts)


def malformed_order_id(attempts: tuple[str, ...] | list[str]) -> str:
    # The format is orders.domain's ORDER_ID_FORMAT_HINT, written out so that it can be translated.
    return _(
        "%(attempts)s doesn't look like one of our order numbers. Order numbers are ORD- followed by exactly four "
        "digits, for example ORD-4567. Could you check it and send it again?"
    ) % {"attempts": ", ".join(attempts)}


def join_ids(order_ids: Iterable[str]) -> str:
    return join_and(order_ids)


def format_money(order: OrderRecord) -> str:
    """The order's total: "EUR 129.00" in English (as the shop has always written it),
    the language's own way elsewhere ("129,00 €")."""
    locale = active_locale()
    if locale.language == "en":
        return f"{order.currency} {order.total}"
    return babel_numbers.format_currency(order.total, order.currency, locale=locale)


def order_summary(order: OrderRecord) -> str:
    """The order as a confirmation names it: number, items, total and when it was placed."""
    return _("%(order_id)s (%(items)s, total %(total)s, placed on %(placed_at)s)") % {
        "order_id": order.order_id,
        "items": format_items(order),
        "total": format_money(order),
        "placed_at": format_datetime(order.placed_at),
    }
