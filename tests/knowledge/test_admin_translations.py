"""Staff see and edit each entry's language and translations in the admin."""

import pytest
from django.urls import reverse

from knowledge.languages import language_name
from knowledge.models import FAQEntry
from tests.knowledge.factories import FAQEntryFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:knowledge_faqentry_changelist"


def _listed(response) -> set[int]:
    return {entry.pk for entry in response.context["cl"].result_list}


@pytest.fixture
def entries():
    shipping = FAQEntryFactory(question="How much does shipping cost?")
    returns = FAQEntryFactory(question="How do I return an item?")
    spanish_only = FAQEntryFactory(question="¿Hacen envíos a Canarias?", language="es")
    return {
        "shipping": shipping,
        "returns": returns,
        "spanish_only": spanish_only,
        "shipping_es": FAQEntryFactory(question="¿Cuánto cuesta el envío?", language="es", translation_of=shipping),
        "shipping_fr": FAQEntryFactory(question="Combien coûte la livraison ?", language="fr", translation_of=shipping),
    }


def test_the_list_shows_each_entrys_language_and_translations(staff_client, entries):
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    shipping_row = next(line for line in page.split("<tr") if "How much does shipping cost?" in line)
    assert f">{language_name('en')}<" in shipping_row and "es, fr" in shipping_row
    translation_row = next(line for line in page.split("<tr") if "Combien coûte la livraison" in line)
    assert f"translation of #{entries['shipping'].pk}" in translation_row


def test_staff_filter_by_language(staff_client, entries):
    response = staff_client.get(reverse(CHANGELIST), {"language": "es"})
    assert _listed(response) == {entries["spanish_only"].pk, entries["shipping_es"].pk}


def test_staff_see_which_originals_miss_a_translation_into_a_language(staff_client, entries):
    missing_spanish = _listed(staff_client.get(reverse(CHANGELIST), {"missing_translation": "es"}))
    assert missing_spanish == {entries["returns"].pk}
    missing_german = _listed(staff_client.get(reverse(CHANGELIST), {"missing_translation": "de"}))
    assert missing_german == {entries["shipping"].pk, entries["returns"].pk, entries["spanish_only"].pk}
    missing_english = _listed(staff_client.get(reverse(CHANGELIST), {"missing_translation": "en"}))
    assert missing_english == {entries["spanish_only"].pk}


def test_the_missing_translation_filter_offers_the_shop_languages(staff_client, settings):
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert all(f"missing_translation={code}" in page for code in ("en", "es", "de", "fr"))
    settings.SHOP_LANGUAGES = ["en", "it"]
    page = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "missing_translation=it" in page and "missing_translation=de" not in page


def _change_form(entry: FAQEntry, *translations: dict) -> dict:
    data = {
        "question": entry.question,
        "answer": entry.answer,
        "category": entry.category,
        "product": entry.product,
        "keywords": entry.keywords,
        "is_published": "on",
        "language": entry.language,
        "translations-TOTAL_FORMS": str(len(translations)),
        "translations-INITIAL_FORMS": "0",
    }
    for i, translation in enumerate(translations):
        data |= {f"translations-{i}-{name}": value for name, value in translation.items()}
    return data


def test_staff_add_a_translation_under_its_original(staff_client):
    original = FAQEntryFactory(question="Is the watch waterproof?", category="products", product="Pulse Smartwatch")
    spanish = {
        "language": "es",
        "question": "¿El reloj es resistente al agua?",
        "answer": "Sí, hasta 50 m.",
        "is_published": "on",
    }
    response = staff_client.post(reverse("admin:knowledge_faqentry_change", args=[original.pk]), _change_form(original, spanish))
    assert response.status_code == 302
    translation = original.translations.get()
    assert (translation.language, translation.question) == ("es", "¿El reloj es resistente al agua?")
    assert (translation.category, translation.product) == ("products", "Pulse Smartwatch")


def test_a_translation_in_the_originals_language_is_refused(staff_client):
    original = FAQEntryFactory(question="Is the watch waterproof?")
    same = {"language": "en", "question": "Is the watch water resistant?", "answer": "Yes.", "is_published": "on"}
    response = staff_client.post(reverse("admin:knowledge_faqentry_change", args=[original.pk]), _change_form(original, same))
    assert response.status_code == 200
    assert "another language than its original" in response.content.decode()
    assert not original.translations.exists()


def test_two_translations_into_one_language_are_refused(staff_client):
    original = FAQEntryFactory(question="Is the watch waterproof?")
    first = {"language": "de", "question": "Ist die Uhr wasserdicht?", "answer": "Ja.", "is_published": "on"}
    second = {"language": "de", "question": "Ist die Uhr wasserfest?", "answer": "Ja.", "is_published": "on"}
    response = staff_client.post(
        reverse("admin:knowledge_faqentry_change", args=[original.pk]), _change_form(original, first, second)
    )
    assert response.status_code == 200
    assert not original.translations.exists()


def test_a_translations_page_has_no_translations_of_its_own(staff_client, entries):
    page = staff_client.get(reverse("admin:knowledge_faqentry_change", args=[entries["shipping_es"].pk])).content.decode()
    assert 'name="translation_of"' in page and "translations-TOTAL_FORMS" not in page
    page = staff_client.get(reverse("admin:knowledge_faqentry_change", args=[entries["shipping"].pk])).content.decode()
    assert "translations-TOTAL_FORMS" in page


def test_a_translation_can_only_be_linked_to_an_original(staff_client, entries):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "knowledge", "model_name": "faqentry", "field_name": "translation_of", "term": ""},
    )
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert offered == {entries["shipping"].pk, entries["returns"].pk, entries["spanish_only"].pk}


def test_staff_add_an_original_with_its_translation_in_one_go(staff_client):
    original = FAQEntry(question="Do you sell socks?", answer="Yes.", category="products", language="en")
    french = {"language": "fr", "question": "Vendez-vous des chaussettes ?", "answer": "Oui.", "is_published": "on"}
    response = staff_client.post(reverse("admin:knowledge_faqentry_add"), _change_form(original, french))
    assert response.status_code == 302
    saved = FAQEntry.objects.get(question="Do you sell socks?")
    assert [(t.language, t.category) for t in saved.translations.all()] == [("fr", "products")]
