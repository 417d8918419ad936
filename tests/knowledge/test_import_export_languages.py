"""FAQ files carry each entry's language and the original a translation translates."""

import json

import pytest
from django.core.management import CommandError, call_command

from knowledge.languages import language_name
from knowledge.models import FAQEntry
from tests.knowledge.factories import FAQEntryFactory

pytestmark = pytest.mark.django_db

SHIPPING = "How much does shipping cost?"


def _write(tmp_path, rows, name="faq.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


def _links() -> set[tuple[str, str, str | None]]:
    """(language, question, the original's question) of every entry."""
    return {
        (e.language, e.question, e.translation_of.question if e.translation_of else None)
        for e in FAQEntry.objects.select_related("translation_of")
    }


def test_a_file_without_languages_imports_english_originals(tmp_path):
    call_command("import_faq", _write(tmp_path, [{"question": SHIPPING, "answer": "$5.99."}]), verbosity=0)
    assert _links() == {("en", SHIPPING, None)}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_and_import_keep_languages_and_translations(tmp_path, fmt):
    shipping = FAQEntryFactory(question=SHIPPING, category="shipping", product="")
    FAQEntryFactory(question="¿Cuánto cuesta el envío?", language="es", translation_of=shipping, category="shipping")
    FAQEntryFactory(question="Was kostet der Versand?", language="de", translation_of=shipping, is_published=False)
    FAQEntryFactory(question="¿Hacen envíos a Canarias?", language="es")
    before = _links()
    out = tmp_path / f"export.{fmt}"
    call_command("export_faq", str(out), verbosity=0)
    FAQEntry.objects.all().delete()
    call_command("import_faq", str(out), verbosity=0)
    assert _links() == before
    assert FAQEntry.objects.get(language="de").is_published is False


def test_a_translation_may_come_before_its_original_in_the_file(tmp_path):
    rows = [
        {"question": "Combien coûte la livraison ?", "answer": "5,99 $.", "language": "fr", "translation_of": SHIPPING},
        {"question": SHIPPING, "answer": "$5.99.", "category": "shipping"},
    ]
    call_command("import_faq", _write(tmp_path, rows), verbosity=0)
    assert _links() == {("en", SHIPPING, None), ("fr", "Combien coûte la livraison ?", SHIPPING)}
    assert FAQEntry.objects.get(language="fr").category == "shipping"  # taken from the original


def test_a_translation_of_an_entry_already_in_the_knowledge_base(tmp_path):
    FAQEntryFactory(question=SHIPPING)
    rows = [
        {
            "question": "¿cuánto cuesta el envío?",
            "answer": "5,99 $.",
            "language": "ES",
            "translation_of": "how much does SHIPPING cost? ",
        }
    ]
    call_command("import_faq", _write(tmp_path, rows), verbosity=0)
    assert ("es", "¿cuánto cuesta el envío?", SHIPPING) in _links()


def test_the_same_question_in_two_languages_is_two_entries(tmp_path):
    rows = [
        {"question": "Pulse Smartwatch", "answer": "Our watch."},
        {"question": "Pulse Smartwatch", "answer": "Notre montre.", "language": "fr"},
    ]
    call_command("import_faq", _write(tmp_path, rows), verbosity=0)
    assert FAQEntry.objects.filter(question="Pulse Smartwatch").count() == 2


def test_invalid_languages_and_links_are_listed_and_nothing_is_imported(tmp_path, capsys):
    rows = [
        {"question": SHIPPING, "answer": "$5.99."},
        {"question": "Quanto costa la spedizione?", "answer": "5,99 $.", "language": "it"},
        {"question": "Was kostet es?", "answer": "5,99 $.", "language": "de", "translation_of": "No such question"},
        {"question": "How much is shipping?", "answer": "$5.99.", "translation_of": SHIPPING},
        {"question": "¿Cuánto cuesta el envío?", "answer": "5,99 $.", "language": "es", "translation_of": SHIPPING},
        {"question": "¿Cuál es el precio del envío?", "answer": "5,99 $.", "language": "es", "translation_of": SHIPPING},
    ]
    with pytest.raises(CommandError, match="4 invalid row"):
        call_command("import_faq", _write(tmp_path, rows), verbosity=0)
    err = capsys.readouterr().err
    assert "row 2: language must be one of en, es, de, fr" in err
    assert "row 3: translation_of names no original entry" in err
    assert "row 4: a translation must be in another language than its original" in err
    assert f"row 6: row 5 already translates the same original into {language_name('es')}" in err
    assert FAQEntry.objects.count() == 0


def test_update_replaces_a_translation_whose_question_was_reworded(tmp_path):
    shipping = FAQEntryFactory(question=SHIPPING)
    old = FAQEntryFactory(question="¿Cuánto vale el envío?", language="es", translation_of=shipping)
    reworded = [{"question": "¿Cuánto cuesta el envío?", "answer": "5,99 $.", "language": "es", "translation_of": SHIPPING}]
    path = _write(tmp_path, reworded)
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import_faq", path, verbosity=0)
    call_command("import_faq", path, "--update", verbosity=0)
    old.refresh_from_db()
    assert (old.question, old.answer, old.translation_of_id) == ("¿Cuánto cuesta el envío?", "5,99 $.", shipping.pk)
    assert FAQEntry.objects.count() == 2


def test_update_without_translation_of_keeps_an_entrys_link(tmp_path):
    shipping = FAQEntryFactory(question=SHIPPING)
    spanish = FAQEntryFactory(question="¿Cuánto cuesta el envío?", language="es", translation_of=shipping)
    rows = [{"question": "¿Cuánto cuesta el envío?", "answer": "Gratis desde 50 $.", "language": "es"}]
    call_command("import_faq", _write(tmp_path, rows), "--update", verbosity=0)
    spanish.refresh_from_db()
    assert (spanish.answer, spanish.translation_of_id) == ("Gratis desde 50 $.", shipping.pk)
