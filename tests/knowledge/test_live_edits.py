"""A staff edit, publish or unpublish shows in the very next answer, whatever the write path."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from knowledge.models import FAQEntry
from knowledge.search.holder import IndexHolder, holder
from knowledge.selectors import faq_best_answer, faq_search
from tests.knowledge.factories import FAQEntryFactory

pytestmark = pytest.mark.django_db

QUESTION = "Do you deliver parcels by drone?"


def _top(query):
    hits = faq_search(query=query, limit=1)
    return hits[0] if hits else None


def test_admin_edit_is_reflected_in_the_next_answer(staff_client, settings):
    settings.KB_INDEX_RECHECK_SECONDS = 3600  # only the version bump may refresh it
    entry = FAQEntryFactory(question=QUESTION, answer="Not yet.", keywords="drone, drones, quadcopter")
    assert faq_best_answer(query="do you deliver by drone").answer == "Not yet."
    response = staff_client.post(
        reverse("admin:knowledge_faqentry_change", args=[entry.pk]),
        {
            "question": QUESTION,
            "answer": "Yes, in Berlin since May.",
            "category": "delivery",
            "product": "",
            "keywords": "drone, drones, quadcopter",
            "is_published": "on",
            "language": "en",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert faq_best_answer(query="do you deliver by drone").answer == "Yes, in Berlin since May."


def test_admin_unpublish_and_publish_actions_take_effect_at_once(staff_client, settings):
    settings.KB_INDEX_RECHECK_SECONDS = 3600
    entry = FAQEntryFactory(question=QUESTION, answer="Not yet.", keywords="drone")
    FAQEntryFactory.create_batch(3)
    assert _top("drone delivery").entry_id == entry.pk
    url = reverse("admin:knowledge_faqentry_changelist")
    staff_client.post(url, {"action": "unpublish", "_selected_action": [entry.pk]})
    assert all(h.entry_id != entry.pk for h in faq_search(query="drone delivery"))
    staff_client.post(url, {"action": "publish", "_selected_action": [entry.pk]})
    assert _top("drone delivery").entry_id == entry.pk


def test_entry_with_empty_answer_cannot_be_published(staff_client):
    entry = FAQEntryFactory(question=QUESTION, answer="   ", is_published=False)
    staff_client.post(reverse("admin:knowledge_faqentry_changelist"), {"action": "publish", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.is_published is False
    response = staff_client.post(
        reverse("admin:knowledge_faqentry_add"),
        {
            "question": "Empty?",
            "answer": "",
            "category": "",
            "product": "",
            "keywords": "",
            "is_published": "on",
            "language": "en",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "empty answer cannot be published" in response.content.decode()
    assert not FAQEntry.objects.filter(question="Empty?").exists()


@pytest.mark.parametrize("write", ["update", "bulk_update", "delete", "loaddata", "save"])
def test_every_write_path_invalidates_the_index(write, settings):
    settings.KB_INDEX_RECHECK_SECONDS = 3600
    entry = FAQEntryFactory(question=QUESTION, answer="Not yet.", keywords="drone")
    assert _top("drone").entry_id == entry.pk
    if write == "update":
        FAQEntry.objects.filter(pk=entry.pk).update(is_published=False)
    elif write == "bulk_update":
        entry.is_published = False
        FAQEntry.objects.bulk_update([entry], ["is_published"])
    elif write == "delete":
        FAQEntry.objects.filter(pk=entry.pk).delete()
    elif write == "save":
        entry.is_published = False
        entry.save()
    else:
        call_command("loaddata", "fixtures/demo_faq.json", verbosity=0)
        assert "Aura Bluetooth Headphones" in {h.product for h in faq_search(query="headphones battery")}
        return
    assert all(h.entry_id != entry.pk for h in faq_search(query="drone"))


def test_unchanged_knowledge_base_is_not_rebuilt_per_search(demo_faq):
    faq_search(query="shipping cost")
    index = holder.get()
    for _ in range(5):
        faq_search(query="shipping cost")
    assert holder.get() is index


@pytest.mark.redis
def test_with_redis_an_edit_reaches_every_process(redis_url, settings):
    """Two holders stand for two server processes sharing Redis; neither re-reads the DB on its own."""
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "kb-test"}}
    settings.KB_INDEX_RECHECK_SECONDS = 3600
    from django.core.cache import cache

    cache.clear()
    entry = FAQEntryFactory(question=QUESTION, answer="Not yet.", keywords="drone")
    first, second = IndexHolder(), IndexHolder()
    assert first.get().search("drone", limit=1)[0].entry_id == entry.pk
    assert second.get().search("drone", limit=1)[0].entry_id == entry.pk
    FAQEntry.objects.filter(pk=entry.pk).update(is_published=False)  # in "another" process
    assert first.get().search("drone", limit=1) == []
    assert second.get().search("drone", limit=1) == []
    cache.clear()


def test_a_restart_with_an_unchanged_knowledge_base_loads_the_saved_index(demo_faq, settings, tmp_path, caplog):
    settings.KB_INDEX_DIR = tmp_path
    settings.KB_INDEX_PERSIST_MIN_ENTRIES = 1
    first = IndexHolder().get()
    assert any(tmp_path.iterdir())
    caplog.clear()
    with caplog.at_level("INFO", logger="knowledge.search.index"):
        restarted = IndexHolder().get()  # a new process: nothing in memory
    assert "loaded from" in caplog.text and "built" not in caplog.text
    assert len(restarted) == len(first)
    assert (
        restarted.search("how much is postage", limit=1)[0].entry_id == first.search("how much is postage", limit=1)[0].entry_id
    )
