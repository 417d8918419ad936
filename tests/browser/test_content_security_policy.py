"""Every page we serve works under its Content-Security-Policy, in Debian's Chromium:
no `securitypolicyviolation` event, no console error, and the widget still chats (over
the websocket) on the demo shop page."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.browser.test_widget import ask, browser, replies  # noqa: F401 (fixtures)
from tests.live_daphne import free_port, live_daphne, prepare_demo_database, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A first turn on a busy CI machine can take longer than expect()'s default 5 s.
REPLY_TIMEOUT_MS = 20_000

# Recorded before any page script runs (Playwright's init scripts are not subject to
# the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


# Another shop's site, on another origin, that embeds the widget under its own policy.
SHOP_PORT = free_port()
SHOP_ORIGIN = f"http://localhost:{SHOP_PORT}"


@pytest.fixture(scope="module")
def server():
    workdir = Path(tempfile.mkdtemp(prefix="csp-browser-"))
    # DEBUG off, as in production: the admin and /docs get their static files from
    # collectstatic's output through WhiteNoise.
    env = server_env(
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        DJANGO_DEBUG="false",
        STATIC_ROOT=str(workdir / "static"),
        WIDGET_ALLOWED_ORIGINS=SHOP_ORIGIN,
    )
    prepare_demo_database(env)
    from tests.live_daphne import manage

    manage(env, "collectstatic", "--noinput")
    try:
        with live_daphne(env, workdir) as live:
            yield live
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def watched(browser):  # noqa: F811
    """A page, and the CSP violations and console errors it collects."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []

    def console(message) -> None:
        # A failed load is reported with its URL below; the console line has none.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def response(answer) -> None:
        # Browsers ask for /favicon.ico by themselves; the demo page has none.
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            problems.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page, problems
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def a_handoff_ticket_chat_path(base_url: str) -> str:
    """Ask for a person over POST /chat, then find the ticket's staff page."""
    with httpx.Client(base_url=base_url, timeout=15) as http:
        http.post("/chat", json={"session_id": "csp-handoff", "message": "I want to talk to a human please"})
        login = http.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        http.post(
            "/admin/login/",
            data={"username": "admin", "password": "admin", "csrfmiddlewaretoken": token},
            headers={"Referer": base_url + "/admin/login/"},
        )
        inbox = http.get("/admin/assistant/handoffticket/").text
        return re.search(r"/admin/assistant/handoffticket/\d+/chat/", inbox).group(0)


def test_every_page_is_served_with_the_policy(server):
    for path in ("/", "/docs", "/admin/login/"):
        policy = httpx.get(server.http_url + path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, path
        assert "'unsafe-eval'" not in policy


def test_the_demo_shop_and_its_widget_work_under_the_policy(server, watched):
    from playwright.sync_api import expect

    page, problems = watched
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(server.http_url + "/")
    page.get_by_role("button", name="Open chat").click()
    ask(page, "Hi, where is my order ORD-4567?")
    expect(replies(page)).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(replies(page).first).to_contain_text(re.compile("email", re.I))
    expect(page.locator(".aw-status")).to_have_text("")  # connected, not fallen back to HTTP

    assert any("/ws/chat/" in url for url in sockets)
    assert violations(page) == []
    assert problems == []


def test_swagger_ui_works_under_the_policy(server, watched):
    from playwright.sync_api import expect

    page, problems = watched
    page.goto(server.http_url + "/docs")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    expect(page.get_by_text("/chat", exact=True).first).to_be_visible()

    assert violations(page) == []
    assert problems == []


def test_the_admin_works_under_the_policy(server, watched):
    from playwright.sync_api import expect

    page, problems = watched
    base = server.http_url
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    chat_path = a_handoff_ticket_chat_path(base)
    pages = [
        "/admin/",
        "/admin/orders/order/",
        "/admin/orders/order/?q=ORD-4567",
        "/admin/orders/order/1/change/",
        "/admin/assistant/conversation/",
        "/admin/assistant/conversation/insights/",
        "/admin/knowledge/faqentry/",
        "/admin/knowledge/faqentry/add/",
        "/admin/knowledge/faqentry/try/?q=how+much+is+shipping",
        "/admin/auth/user/1/change/",
        chat_path,
    ]
    for path in pages:
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    # The handoff page's inline script (it carries the nonce) runs: it polls for messages.
    with page.expect_response(re.compile(r"/messages/\?after=")):
        page.goto(base + chat_path)
    # A related-object popup and the date widgets' scripts run too.
    page.goto(base + "/admin/orders/order/1/change/")
    expect(page.locator("#id_placed_at_0 + .datetimeshortcuts a").first).to_be_visible()

    assert violations(page) == []
    assert problems == []


def shop_policy(service: str) -> str:
    """The shop's own strict policy plus exactly what docs/widget.md tells a shop to add."""
    ws = service.replace("http://", "ws://")
    return (
        f"default-src 'self'; script-src 'self' {service}; style-src 'self' {service}; "
        f"connect-src 'self' {service} {ws}; img-src 'self'; object-src 'none'; base-uri 'self'"
    )


@pytest.fixture
def other_shop(server):
    """A shop's page on another origin, with a strict Content-Security-Policy of its own."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    service = server.http_url
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Other shop</title></head><body>"
        "<h1>Other shop</h1>"
        f'<script src="{service}/static/assistant/widget.js" data-endpoint="{service}/" defer></script>'
        "</body></html>"
    ).encode()

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", shop_policy(service))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", SHOP_PORT), Shop)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield SHOP_ORIGIN
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_widget_works_on_a_shop_page_with_the_policy_docs_widget_md_gives(other_shop, server, watched):
    from playwright.sync_api import expect

    page, problems = watched
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(other_shop + "/")
    page.get_by_role("button", name="Open chat").click()
    ask(page, "Hi, where is my order ORD-4567?")
    expect(replies(page)).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".aw-status")).to_have_text("")

    assert any(url.startswith(server.ws_url + "/ws/chat/") for url in sockets)
    assert violations(page) == []
    assert problems == []
