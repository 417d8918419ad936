"""The chat widget in a real browser: Debian's Chromium, driven by Playwright, against
the project served by daphne on loopback (its own SQLite database, with the demo data).

Screenshots of the open widget go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.live_daphne import BASE_DIR, live_daphne, prepare_demo_database, server_env

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = BASE_DIR / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server():
    workdir = Path(tempfile.mkdtemp(prefix="widget-browser-"))
    env = server_env(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DJANGO_DEBUG="true")
    prepare_demo_database(env)
    try:
        with live_daphne(env, workdir) as live:
            yield live
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing, and CI needs it (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def ask(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def replies(page):
    return page.locator("li.aw-assistant p.aw-text")


def test_a_shopper_tracks_an_order_in_the_widget_and_finds_it_again_after_a_reload(server, page):
    from playwright.sync_api import expect

    page.goto(server.http_url + "/")
    expect(page.get_by_role("heading", name="Northwind Goods")).to_be_visible()
    expect(page.get_by_role("list", name="Products").get_by_role("listitem")).to_have_count(10)

    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()

    ask(page, "Hi, where is my order ORD-4567?")
    expect(replies(page)).to_have_count(1)
    expect(replies(page).first).to_contain_text(re.compile("email", re.I))

    ask(page, "alex.morgan@example.com")
    expect(replies(page)).to_have_count(2)
    answer = replies(page).nth(1)
    expect(answer).to_contain_text("ORD-4567")
    expect(page.locator(".aw-typing")).to_be_hidden()

    details_button = page.locator("li.aw-assistant").nth(1).get_by_role("button", name="Details")
    expect(details_button).to_have_attribute("aria-expanded", "false")
    details_button.click()
    details = page.locator("li.aw-assistant").nth(1).locator(".aw-details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("OrderTrackingAgent")  # the agent
    expect(details).to_contain_text("→")  # the handover trail
    expect(details.locator(".aw-tools li")).not_to_have_count(0)  # the tool calls
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-open.png"))
    answered = answer.inner_text()

    page.reload()
    page.get_by_role("button", name="Open chat").click()
    expect(page.locator("li.aw-msg")).to_have_count(4)
    expect(page.locator("li.aw-user p.aw-text").first).to_have_text("Hi, where is my order ORD-4567?")
    expect(replies(page).nth(1)).to_have_text(answered)
    # The history came from the server over the websocket, not only from the page's cache.
    expect(page.locator(".aw-status")).to_have_text("")
    page.evaluate("localStorage.removeItem('assistant-widget:messages:' + window.__assistantWidget.sessionId())")
    page.reload()
    page.get_by_role("button", name="Open chat").click()
    expect(page.locator("li.aw-msg")).to_have_count(4)


def test_the_widget_is_usable_from_the_keyboard(server, page):
    from playwright.sync_api import expect

    page.goto(server.http_url + "/")
    bubble = page.get_by_role("button", name="Open chat")
    bubble.focus()
    page.keyboard.press("Enter")
    expect(bubble).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()
    page.keyboard.type("Do you ship abroad?")
    page.keyboard.press("Enter")
    expect(replies(page)).to_have_count(1)
    expect(page.get_by_role("log", name="Conversation")).to_have_attribute("aria-live", "polite")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(bubble).to_be_focused()


def test_the_open_widget_fits_a_375px_phone_screen(server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(server.http_url + "/")
        page.get_by_role("button", name="Open chat").click()
        ask(page, "What is your return policy?")
        expect(replies(page)).to_have_count(1)
        box = page.get_by_role("dialog").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        send = page.get_by_role("button", name="Send").bounding_box()
        assert send["x"] + send["width"] <= 375 and send["height"] >= 32
        expect(page.get_by_role("button", name="Close chat")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-phone.png"))
    finally:
        context.close()


def test_the_widget_falls_back_to_post_chat_when_websockets_are_blocked(server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    # What a proxy that blocks websockets looks like to a page: every socket fails.
    context.add_init_script(
        """
        window.WebSocket = class BlockedWebSocket {
          constructor() { this.readyState = 3; setTimeout(() => this.onclose && this.onclose({code: 1006}), 5); }
          send() { throw new Error("blocked"); }
          close() {}
        };
        window.WebSocket.OPEN = 1;
        """
    )
    page = context.new_page()
    chat_posts = []
    page.on("request", lambda request: chat_posts.append(request) if request.url.endswith("/chat") else None)
    try:
        page.goto(server.http_url + "/")
        page.get_by_role("button", name="Open chat").click()
        ask(page, "Where is my order ORD-4566?")
        expect(replies(page)).to_have_count(1)
        expect(replies(page).first).to_contain_text(re.compile("email", re.I))
        assert [r.method for r in chat_posts] == ["POST"]
        # The conversation goes on over HTTP: the token of the first reply is sent back.
        ask(page, "priya.shah@example.com")
        expect(replies(page)).to_have_count(2)
        expect(replies(page).nth(1)).to_contain_text("ORD-4566")
        token = page.evaluate("localStorage.getItem('assistant-widget:token')")
        assert token and chat_posts[1].headers.get("x-session-token") == token
        assert "x-session-token" not in chat_posts[0].headers
    finally:
        context.close()


def test_tabs_share_the_conversation_and_a_copied_session_id_sees_none_of_it(server, browser):
    """Two tabs of one shopper get every turn; another browser given only the session ID
    (as from a screenshot) is a new visitor: no history, no order data."""
    from playwright.sync_api import expect

    owner = browser.new_context(viewport={"width": 1280, "height": 800})
    owner.set_default_timeout(TIMEOUT_MS)
    socket_urls: list[str] = []
    tab_a, tab_b = owner.new_page(), owner.new_page()
    for tab in (tab_a, tab_b):
        tab.on("websocket", lambda ws: socket_urls.append(ws.url))
        tab.goto(server.http_url + "/")
        tab.get_by_role("button", name="Open chat").click()
        expect(tab.locator(".aw-status")).to_have_text("")  # the socket is open
    try:
        ask(tab_a, "Where is my order ORD-4567?")
        expect(replies(tab_a)).to_have_count(1)
        # Tab B had no token when it connected; it resumes with the one tab A was issued.
        expect(replies(tab_b)).to_have_count(1)
        expect(tab_b.locator("li.aw-user p.aw-text").first).to_have_text("Where is my order ORD-4567?")

        ask(tab_b, "alex.morgan@example.com")
        expect(replies(tab_b)).to_have_count(2)
        expect(replies(tab_b).nth(1)).to_contain_text("ORD-4567")
        expect(replies(tab_a)).to_have_count(2)  # live, in the other tab
        expect(tab_a.locator("li.aw-user")).to_have_count(2)

        session_id = tab_a.evaluate("window.__assistantWidget.sessionId()")
        token = tab_a.evaluate("localStorage.getItem('assistant-widget:token')")
        assert token and tab_b.evaluate("localStorage.getItem('assistant-widget:token')") == token
        assert socket_urls and not any(token in url for url in socket_urls)

        stranger = browser.new_context(viewport={"width": 1280, "height": 800})
        stranger.set_default_timeout(TIMEOUT_MS)
        try:
            page = stranger.new_page()
            page.add_init_script(f"localStorage.setItem('assistant-widget:session', {session_id!r})")
            page.goto(server.http_url + "/")
            assert page.evaluate("window.__assistantWidget.sessionId()") == session_id
            page.get_by_role("button", name="Open chat").click()
            expect(page.locator(".aw-status")).to_have_text("")
            ask(page, "where is it?")
            expect(replies(page)).to_have_count(1)
            expect(page.locator("li.aw-msg")).to_have_count(2)  # only its own question and answer
            shown = page.locator(".aw-messages").inner_text()
            assert "ORD-4567" not in shown and "alex.morgan" not in shown
            own_token = page.evaluate("localStorage.getItem('assistant-widget:token')")
            assert own_token and own_token != token
        finally:
            stranger.close()
        assert tab_a.locator("li.aw-msg").count() == 4  # the owner heard nothing of the stranger
    finally:
        owner.close()
