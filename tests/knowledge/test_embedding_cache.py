"""Vectors computed once on a machine are reused by the next process, and a broken cache
file costs time, never an answer."""

import numpy as np
import pytest

from knowledge.search import embeddings as emb


@pytest.fixture
def fresh_memo():
    emb._memo.clear()
    yield
    emb._memo.clear()


def test_a_vector_computed_once_is_read_back_without_the_model(settings, tmp_path, fresh_memo, monkeypatch):
    settings.EMBEDDING_CACHE_PATH = str(tmp_path / "vectors.sqlite3")
    first = emb.embed_texts(["How long does shipping take?", "Do you ship to Canada?"])
    emb._memo.clear()  # as a new process starts

    def no_model():
        raise AssertionError("the model was needed although the vectors were stored")

    monkeypatch.setattr(emb, "_load_model", no_model)
    again = emb.embed_texts(["Do you ship to Canada?", "How long does shipping take?"])
    assert np.array_equal(again, first[::-1])


def test_an_unreadable_cache_file_is_ignored(settings, tmp_path, fresh_memo):
    broken = tmp_path / "vectors.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    settings.EMBEDDING_CACHE_PATH = str(broken)
    vectors = emb.embed_texts(["What payment methods do you accept?"])
    assert vectors.shape == (1, emb.MODEL_DIMENSIONS)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-4


def test_the_cache_can_be_turned_off(settings, tmp_path, fresh_memo):
    settings.EMBEDDING_CACHE_PATH = ""
    emb.embed_texts(["Is gift wrapping available?"])
    assert not list(tmp_path.iterdir())
