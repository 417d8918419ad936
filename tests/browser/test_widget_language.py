"""The widget tells the assistant the page's language, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import json

import pytest

from tests.browser.test_widget import TIMEOUT_MS, browser, replies, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCK_WEBSOCKETS = """
window.WebSocket = class BlockedWebSocket {
  constructor() { this.readyState = 3; setTimeout(() => this.onclose && this.onclose({code: 1006}), 5); }
  send() { throw new Error("blocked"); }
  close() {}
};
window.WebSocket.OPEN = 1;
"""


def shop_page_in(context, live, lang: str):
    """The demo shop's page, as if it were written with ``<html lang=...>``."""
    # Set once the page is parsed, before its deferred scripts (the widget) run. (Serving a
    # rewritten page through page.route would make Chromium treat it as a public page and
    # block its websocket to loopback.)
    context.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        f" if (document.readyState === 'interactive') document.documentElement.lang = {json.dumps(lang)}; }});"
    )
    page = context.new_page()
    page.goto(live.http_url + "/")
    return page


def open_chat(page) -> None:
    # The bubble's name is in the page's language ("Chat öffnen" on a German page).
    page.locator("button.aw-bubble").click()


def ask(page, text: str) -> None:
    box = page.locator("#aw-input")  # its label, too, is in the page's language
    box.fill(text)
    box.press("Enter")


def test_over_http_the_pages_language_decides_an_unclear_first_message(server, browser):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(BLOCK_WEBSOCKETS)
    try:
        page = shop_page_in(context, server, "de-DE")
        bodies = []
        page.on(
            "request", lambda request: bodies.append(json.loads(request.post_data)) if request.url.endswith("/chat") else None
        )
        open_chat(page)
        ask(page, "ORD-4566")
        expect(replies(page)).to_have_count(1)
        assert bodies[0]["language"] == "de-DE"
        expect(replies(page).first).to_have_attribute("lang", "de")
    finally:
        context.close()


def test_over_http_a_page_language_the_shop_does_not_serve_is_dropped_and_the_message_still_answered(server, browser):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(BLOCK_WEBSOCKETS)
    try:
        page = shop_page_in(context, server, "it")
        posts = []
        page.on("request", lambda request: posts.append(json.loads(request.post_data)) if request.url.endswith("/chat") else None)
        open_chat(page)
        ask(page, "ORD-4566")
        expect(replies(page)).to_have_count(1)
        expect(page.locator("li.aw-error")).to_have_count(0)
        assert [post.get("language") for post in posts] == ["it", None]
        expect(replies(page).first).to_have_attribute("lang", "en")
    finally:
        context.close()


def test_over_the_websocket_a_page_language_the_shop_does_not_serve_is_dropped_and_the_message_still_answered(
    server,  # noqa: F811
    browser,  # noqa: F811
):
    from playwright.sync_api import expect

    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = shop_page_in(context, server, "it")
        frames = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(json.loads(payload))))
        open_chat(page)
        expect(page.locator(".aw-status")).to_have_text("")  # connected
        ask(page, "Where is my order ORD-4566?")
        expect(replies(page)).to_have_count(1)
        expect(replies(page).first).to_contain_text("email")
        expect(page.locator("li.aw-error")).to_have_count(0)
        messages = [frame for frame in frames if frame.get("type") == "message"]
        assert [frame.get("language") for frame in messages] == ["it", None]
    finally:
        context.close()
