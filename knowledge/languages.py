"""The languages an FAQ entry can be written in, and those the shop answers in.

One home for both lists: the entry's ``language`` choices, the import's validation and
the admin's "missing a translation" filter all read them from here. No model is imported.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info

DEFAULT_LANGUAGE = "en"
_FALLBACK = (("en", "English"), ("es", "Spanish"), ("de", "German"), ("fr", "French"))


def faq_language_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every language an entry may have.

    The project's ``LANGUAGES`` when its settings set one (Django's own default lists
    about a hundred, far more than any shop writes in), else English, Spanish, German
    and French. A callable, so a changed setting needs no migration.
    """
    if settings.is_overridden("LANGUAGES"):
        return [(code, str(name)) for code, name in settings.LANGUAGES]
    return list(_FALLBACK)


def faq_language_codes() -> list[str]:
    return [code for code, _ in faq_language_choices()]


def shop_languages() -> list[str]:
    """The languages the shop answers customers in: ``SHOP_LANGUAGES`` if set, else en, es, de, fr."""
    configured = getattr(settings, "SHOP_LANGUAGES", None)
    if configured:
        return [str(code) for code in configured]
    return [code for code, _ in _FALLBACK]


def language_name(code: str) -> str:
    """A language's English name ("de" gives "German"), or the code itself when Django does
    not know it: for staff pages and messages, whatever the language of the entry."""
    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code
