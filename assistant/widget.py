"""What the chat widget shows before the first message: its words, a greeting and suggested questions.

Read-only; served by ``GET /chat/widget-config`` (assistant/api/views.py) in the page's
language, so the widget's own phrases are translated like the assistant's replies
(locale/<lang>/LC_MESSAGES/django.po). The widget keeps the English phrases as its
defaults for when the service cannot be reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from assistant.language import FALLBACK_LANGUAGE
from knowledge.selectors import faq_suggested_questions

# Suggested questions from the knowledge base, after "Where is my order?" and "Cancel an order".
FAQ_SUGGESTIONS = 2

# Every phrase the widget shows, by the key widget.js looks it up with. "%(status)s" is
# filled in by the widget.
WIDGET_STRINGS = {
    "title": _("Chat with us"),
    "open_chat": _("Open chat"),
    "close_chat": _("Close chat"),
    "conversation": _("Conversation"),
    "typing": _("Assistant is typing…"),
    "your_message": _("Your message"),
    "placeholder": _("Type your message…"),
    "send": _("Send"),
    "suggestions": _("Suggested questions"),
    "details": _("Details"),
    "hide_details": _("Hide details"),
    "agent": _("Agent"),
    "handover": _("Handover"),
    "no_handover": _("none"),
    "tool_calls": _("Tool calls"),
    "no_tool_calls": _("No tool calls"),
    "feedback_question": _("Was this answer helpful?"),
    "helpful": _("Helpful"),
    "not_helpful": _("Not helpful"),
    "you": _("You"),
    "assistant": _("Assistant"),
    "our_team": _("Our team"),
    "our_team_person": _("Our team (a person)"),
    "notice": _("Notice"),
    "connecting": _("Connecting…"),
    "reconnecting": _("Reconnecting…"),
    "offline": _("Offline — messages are sent as normal requests"),
    "error": _("Something went wrong."),
    "error_status": _("The assistant could not answer (%(status)s)."),
    "unreachable": _("The assistant cannot be reached. Check your connection and try again."),
}
GREETING = _("Hello! I can track or cancel your order and answer questions about our products. How can I help?")
ORDER_SUGGESTIONS = (_("Where is my order?"), _("Cancel an order"))


@dataclass(frozen=True)
class WidgetConfig:
    language: str
    greeting: str
    suggestions: list[str]
    strings: dict[str, str]

    def as_payload(self) -> dict:
        return {"language": self.language, "greeting": self.greeting, "suggestions": self.suggestions, "strings": self.strings}


def widget_language(value: object) -> str:
    """The language of the widget for a page in ``value`` ("es-MX" gives "es"): one the shop
    serves (``SHOP_LANGUAGES``), else English. Anything else, garbage included, is English."""
    if isinstance(value, str):
        primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
        if primary in settings.SHOP_LANGUAGES:
            return primary
    return FALLBACK_LANGUAGE


def faq_suggestions(*, language: str, limit: int = FAQ_SUGGESTIONS) -> list[str]:
    """Questions from the knowledge base to suggest (``knowledge.selectors``).

    The one place to change when the shop's most asked questions become known (for
    example from the staff insights, assistant/desk/insights.py).
    """
    return faq_suggested_questions(language=language, limit=limit)


def widget_config(*, language: str) -> WidgetConfig:
    """The widget's phrases, greeting and suggested questions in ``language`` (a served code)."""
    with translation.override(language):
        return WidgetConfig(
            language=language,
            greeting=str(GREETING),
            suggestions=[str(text) for text in ORDER_SUGGESTIONS] + faq_suggestions(language=language),
            strings={key: str(text) for key, text in WIDGET_STRINGS.items()},
        )
