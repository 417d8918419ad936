"""A shopper rates a reply and is helped by a person, in the real widget (Debian's Chromium)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.browser.test_widget import ARTIFACTS, ask, browser, page, replies  # noqa: F401 (fixtures)
from tests.live_daphne import live_daphne, prepare_demo_database, server_env

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def shop():
    workdir = Path(tempfile.mkdtemp(prefix="widget-handoff-"))
    database = workdir / "db.sqlite3"
    env = server_env(DATABASE_URL=f"sqlite:///{database}", DJANGO_DEBUG="true")
    prepare_demo_database(env)
    try:
        with live_daphne(env, workdir) as live:
            yield live, database
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def staff_claims_and_replies(base_url: str, text: str) -> None:
    with httpx.Client(base_url=base_url, timeout=15) as staff:
        login = staff.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        staff.post(
            "/admin/login/",
            data={"username": "admin", "password": "admin", "csrfmiddlewaretoken": token, "next": "/admin/"},
            headers={"Referer": base_url + "/admin/login/"},
        )
        inbox = staff.get("/admin/assistant/handoffticket/").text
        chat_url = re.search(r"/admin/assistant/handoffticket/\d+/chat/", inbox).group(0)
        for action in ({"action": "claim"}, {"action": "reply", "text": text}):
            response = staff.post(
                chat_url,
                data={**action, "csrfmiddlewaretoken": staff.cookies["csrftoken"]},
                headers={"Referer": base_url + chat_url},
            )
            assert response.status_code == 302


def test_a_shopper_rates_a_reply_and_a_person_answers_in_the_widget(shop, page):  # noqa: F811
    from playwright.sync_api import expect

    server, database = shop
    page.goto(server.http_url + "/")
    page.get_by_role("button", name="Open chat").click()

    ask(page, "how much does shipping cost?")
    expect(replies(page)).to_have_count(1)
    thumbs_down = page.locator("li.aw-assistant").first.get_by_role("button", name="Not helpful")
    thumbs_down.click()
    expect(thumbs_down).to_have_attribute("aria-pressed", "true")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT feedback FROM assistant_message WHERE role = 'assistant'").fetchall()
    assert rows == [(-1,)]

    ask(page, "I'd like to talk to a human please")
    expect(replies(page)).to_have_count(2)
    expect(replies(page).nth(1)).to_contain_text("member of our team")

    staff_claims_and_replies(server.http_url, "Hello! Sam here, how can I help?")
    person = page.locator("li.aw-staff")
    expect(person).to_have_count(2)  # the greeting on taking over, then the reply
    expect(person.nth(1)).to_contain_text("Hello! Sam here, how can I help?")
    expect(person.nth(1).locator(".aw-author")).to_contain_text("a person")

    ask(page, "great, thanks")
    expect(page.locator(".aw-typing")).to_be_hidden()
    expect(replies(page)).to_have_count(2)  # the assistant stays silent
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-handoff.png"))
