"""The widget greets a new shopper in the page's language and suggests questions to tap, in a
real browser (Debian's Chromium)."""

from __future__ import annotations

import pytest

from tests.browser.test_widget import TIMEOUT_MS, browser, replies, server  # noqa: F401 (fixtures)
from tests.browser.test_widget_language import shop_page_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def context(browser):  # noqa: F811
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def test_a_spanish_page_greets_in_spanish_and_a_tapped_suggestion_is_answered(server, context):  # noqa: F811
    from playwright.sync_api import expect

    page = shop_page_in(context, server, "es")
    page.get_by_role("button", name="Abrir el chat").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    welcome = page.locator("li.aw-welcome")
    expect(welcome.locator("p.aw-text")).to_contain_text("¿En qué puedo ayudarle?")
    suggestions = welcome.get_by_role("group", name="Preguntas sugeridas").get_by_role("button")
    expect(suggestions.first).to_have_text("¿Dónde está mi pedido?")
    expect(suggestions.nth(1)).to_have_text("Cancelar un pedido")
    expect(suggestions).to_have_count(4)  # and two questions from the shop's Spanish FAQ
    expect(suggestions.nth(2)).to_have_text("¿Cuánto cuesta el envío?")
    expect(page.get_by_role("textbox", name="Su mensaje")).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(page.get_by_role("button", name="Enviar")).to_be_visible()

    suggestions.first.click()
    expect(page.locator("li.aw-user p.aw-text")).to_have_text(["¿Dónde está mi pedido?"])
    expect(replies(page)).to_have_count(1)
    expect(replies(page).first).to_have_attribute("lang", "es")
    expect(replies(page).first).to_contain_text("pedido")
    expect(welcome).to_have_count(0)  # the conversation has begun
    expect(page.locator("li.aw-error")).to_have_count(0)
    expect(page.locator("li.aw-assistant").first.get_by_role("button", name="Detalles")).to_be_visible()


def test_without_the_service_the_widget_greets_in_english(server, context):  # noqa: F811
    from playwright.sync_api import expect

    context.route("**/chat/widget-config*", lambda route: route.abort())
    page = shop_page_in(context, server, "de")
    page.get_by_role("button", name="Open chat").click()
    welcome = page.locator("li.aw-welcome")
    expect(welcome.locator("p.aw-text")).to_contain_text("How can I help?")
    expect(welcome.get_by_role("button")).to_have_text(["Where is my order?", "Cancel an order"])
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def test_a_returning_shopper_gets_no_greeting(server, context):  # noqa: F811
    from playwright.sync_api import expect

    page = shop_page_in(context, server, "fr")
    page.get_by_role("button", name="Ouvrir le chat").click()
    page.get_by_role("textbox", name="Votre message").fill("Où est ma commande ORD-4566 ?")
    page.get_by_role("textbox", name="Votre message").press("Enter")
    expect(replies(page)).to_have_count(1)
    page.reload()
    page.get_by_role("button", name="Ouvrir le chat").click()
    expect(page.locator("li.aw-msg")).to_have_count(2)
    expect(page.locator("li.aw-welcome")).to_have_count(0)
