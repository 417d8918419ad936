"""The search answers from the customer's language, and says so when it falls back."""

import pytest
from django.utils import translation

from knowledge.selectors import faq_best_answer, faq_search
from tests.knowledge.factories import FAQEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift_wrap():
    english = FAQEntryFactory(
        question="Do you offer gift wrapping?", answer="Yes, gift wrapping costs $3 per item.", keywords="gift wrap, present"
    )
    spanish = FAQEntryFactory(
        question="¿Ofrecen envoltorio para regalo?",
        answer="Sí, el envoltorio para regalo cuesta 3 $ por artículo.",
        keywords="envolver regalo, papel de regalo",
        language="es",
        translation_of=english,
    )
    FAQEntryFactory(question="How long does shipping take?", answer="Three to five working days.", keywords="delivery time")
    return english, spanish


def test_an_english_question_is_answered_from_the_english_entries(gift_wrap):
    english, spanish = gift_wrap
    hits = faq_search(query="can you gift wrap my order?")
    assert hits[0].entry_id == english.pk and hits[0].language == "en"
    assert spanish.pk not in [hit.entry_id for hit in hits]


def test_the_turns_language_chooses_the_entries(gift_wrap):
    _, spanish = gift_wrap
    with translation.override("es"):
        best = faq_best_answer(query="¿pueden envolver mi pedido para regalo?")
    assert best is not None and best.entry_id == spanish.pk and best.language == "es"


def test_a_language_without_an_answer_falls_back_to_the_main_language_and_says_so(gift_wrap):
    with translation.override("de"):
        best = faq_best_answer(query="how long does shipping take?")
    assert best is not None and best.language == "en"
    assert best.answer == "Three to five working days."
