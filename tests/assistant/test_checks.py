"""The assistant's settings checks (assistant/checks.py), as `manage.py check` reports them."""

from __future__ import annotations

from assistant.checks import shop_languages_check


def test_the_default_shop_languages_pass():
    assert shop_languages_check() == []


def test_a_shop_language_the_assistant_cannot_detect_is_an_error(settings):
    settings.SHOP_LANGUAGES = ["en", "xx"]
    [error] = shop_languages_check()
    assert error.id == "assistant.E002" and "xx" in error.msg


def test_no_shop_language_at_all_is_an_error(settings):
    settings.SHOP_LANGUAGES = []
    [error] = shop_languages_check()
    assert error.id == "assistant.E001"
