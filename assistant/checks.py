"""System checks of the assistant's settings (run by ``manage.py check``, ``runserver`` and ``migrate``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def shop_languages_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """SHOP_LANGUAGES names at least one language, each one the assistant can detect."""
    from assistant.language import DETECTABLE_LANGUAGES

    served = list(getattr(settings, "SHOP_LANGUAGES", []))
    if not served:
        return [
            checks.Error(
                "SHOP_LANGUAGES is empty.", hint="Name at least one language, e.g. SHOP_LANGUAGES=en.", id="assistant.E001"
            )
        ]
    unknown = [code for code in served if code not in DETECTABLE_LANGUAGES]
    if unknown:
        return [
            checks.Error(
                f"SHOP_LANGUAGES names languages the assistant cannot detect: {', '.join(unknown)}.",
                hint=f"Use ISO 639-1 codes among {', '.join(DETECTABLE_LANGUAGES)} (assistant/language.py).",
                id="assistant.E002",
            )
        ]
    return []
