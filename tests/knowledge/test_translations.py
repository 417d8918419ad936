"""An FAQ entry has a language; a translation is linked to the original it translates."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knowledge.languages import language_name
from knowledge.models import FAQEntry
from knowledge.search.source import published_entries, published_entries_by_id
from knowledge.selectors import faq_search
from knowledge.services import faq_entry_save
from tests.knowledge.factories import FAQEntryFactory

pytestmark = pytest.mark.django_db


def test_a_new_entry_is_english_and_an_original():
    entry = FAQEntry.objects.create(question="Do you gift wrap?", answer="Yes, for $3.")
    assert entry.language == "en"
    assert entry.translation_of is None and not entry.translations.exists()


def test_the_languages_an_entry_may_have_are_the_projects_languages(settings):
    entry = FAQEntryFactory.build(language="de")
    entry.full_clean()
    entry.language = "it"
    with pytest.raises(ValidationError, match="not a valid choice"):
        entry.full_clean()
    settings.LANGUAGES = [("en", "English"), ("it", "Italian")]
    entry.full_clean()


def test_a_translation_must_be_in_another_language_than_its_original():
    original = FAQEntryFactory(language="en")
    translation = FAQEntryFactory.build(language="en", translation_of=original)
    with pytest.raises(ValidationError) as caught:
        translation.full_clean()
    assert f"another language than its original ({language_name('en')})" in str(caught.value.message_dict["language"])
    translation.language = "es"
    translation.full_clean()


def test_an_original_has_at_most_one_translation_per_language():
    original = FAQEntryFactory()
    FAQEntryFactory(language="es", translation_of=original)
    second = FAQEntryFactory.build(language="es", translation_of=original)
    with pytest.raises(ValidationError, match="already has a translation into this language"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    FAQEntryFactory.build(language="de", translation_of=original).full_clean()


def test_a_translation_links_to_the_original_not_to_another_translation():
    original = FAQEntryFactory()
    spanish = FAQEntryFactory(language="es", translation_of=original)
    with pytest.raises(ValidationError, match="itself a translation"):
        FAQEntryFactory.build(language="de", translation_of=spanish).full_clean()
    other = FAQEntryFactory(language="fr")
    original.translation_of = other
    with pytest.raises(ValidationError, match="translations of its own"):
        original.full_clean()


def test_an_original_cannot_take_the_language_of_one_of_its_translations():
    original = FAQEntryFactory()
    FAQEntryFactory(language="es", translation_of=original)
    original.language = "es"
    with pytest.raises(ValidationError, match=f"already has a translation into {language_name('es')}"):
        original.full_clean()


def test_a_translation_saved_without_category_or_product_takes_its_originals():
    original = FAQEntryFactory(category="products", product="Pulse Smartwatch")
    translation = FAQEntry(
        question="¿Es resistente al agua el Pulse Smartwatch?", answer="Sí, hasta 50 m.", language="es", translation_of=original
    )
    faq_entry_save(entry=translation)
    translation.refresh_from_db()
    assert (translation.category, translation.product) == ("products", "Pulse Smartwatch")


def test_the_search_reads_each_entrys_language():
    original = FAQEntryFactory(question="How much does shipping cost?")
    spanish = FAQEntryFactory(question="¿Cuánto cuesta el envío?", language="es", translation_of=original)
    FAQEntryFactory(question="Draft", language="de", is_published=False)
    languages = {entry.id: entry.language for entry in published_entries()}
    assert languages == {original.pk: "en", spanish.pk: "es"}
    assert [entry.language for entry in published_entries_by_id([spanish.pk])] == ["es"]


def test_deleting_an_original_deletes_its_translations_and_the_search_forgets_them(settings):
    settings.KB_INDEX_RECHECK_SECONDS = 3600  # only the version bump may refresh the index
    original = FAQEntryFactory(question="Do you deliver parcels by drone?", keywords="drone")
    spanish = FAQEntryFactory(question="¿Entregan paquetes con dron?", keywords="dron", language="es", translation_of=original)
    FAQEntryFactory.create_batch(3)
    assert faq_search(query="dron", limit=1, language="es")[0].entry_id == spanish.pk
    original.delete()
    assert not FAQEntry.objects.filter(pk=spanish.pk).exists()
    assert all(hit.entry_id != spanish.pk for hit in faq_search(query="dron", language="es"))
