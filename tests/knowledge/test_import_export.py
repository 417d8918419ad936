import csv
import json

import pytest
from django.core.management import CommandError, call_command

from knowledge.models import FAQEntry
from knowledge.selectors import faq_best_answer

pytestmark = pytest.mark.django_db


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


ROWS = [
    {"question": "Do you deliver by drone?", "answer": "Not yet.", "keywords": ["drone", "quadcopter"]},
    {"question": "Can I pay in bitcoin?", "answer": "No, we accept cards and PayPal.", "category": "payments"},
]


def test_json_import_creates_entries_that_search_finds_at_once(tmp_path):
    call_command("import_faq", _write(tmp_path, "faq.json", ROWS), verbosity=0)
    assert FAQEntry.objects.count() == 2
    assert FAQEntry.objects.get(question="Do you deliver by drone?").keywords == "drone, quadcopter"
    assert faq_best_answer(query="can i pay with bitcoin").answer.startswith("No, we accept")


def test_csv_import(tmp_path):
    path = tmp_path / "faq.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["question", "answer", "product", "is_published"])
        writer.writeheader()
        writer.writerow({"question": "Is the mug microwave safe?", "answer": "Yes.", "product": "Mug", "is_published": "true"})
        writer.writerow({"question": "Draft", "answer": "", "product": "", "is_published": "false"})
    call_command("import_faq", str(path), verbosity=0)
    assert FAQEntry.objects.get(question="Is the mug microwave safe?").product == "Mug"
    assert FAQEntry.objects.get(question="Draft").is_published is False


def test_a_file_with_any_invalid_row_imports_nothing_and_names_the_rows(tmp_path, capsys):
    rows = ROWS + [{"question": "", "answer": "x"}, {"question": "Published but empty", "answer": "  "}, "not an object"]
    with pytest.raises(CommandError, match="3 invalid row"):
        call_command("import_faq", _write(tmp_path, "bad.json", rows), verbosity=0)
    err = capsys.readouterr().err
    assert "row 3: question is required" in err
    assert "row 4: answer is required for a published entry" in err
    assert "row 5: expected an object" in err
    assert FAQEntry.objects.count() == 0


def test_malformed_files_are_refused_clearly(tmp_path):
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_faq", _write(tmp_path, "faq.json", "[{"), verbosity=0)
    with pytest.raises(CommandError, match="unknown format"):
        call_command("import_faq", _write(tmp_path, "faq.txt", "hello"), verbosity=0)
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_faq", str(tmp_path / "missing.json"), verbosity=0)


def test_existing_questions_need_update_and_update_matches_by_question(tmp_path):
    path = _write(tmp_path, "faq.json", ROWS)
    call_command("import_faq", path, verbosity=0)
    with pytest.raises(CommandError):
        call_command("import_faq", path, verbosity=0)
    changed = [{"question": "do you deliver by DRONE? ", "answer": "Yes, in Berlin."}]
    call_command("import_faq", _write(tmp_path, "changed.json", changed), "--update", verbosity=0)
    assert FAQEntry.objects.count() == 2
    assert faq_best_answer(query="drone delivery").answer == "Yes, in Berlin."


def test_export_writes_the_import_format_back(tmp_path, demo_faq):
    for fmt in ("json", "csv"):
        out = tmp_path / f"export.{fmt}"
        call_command("export_faq", str(out), verbosity=0)
        FAQEntry.objects.all().delete()
        call_command("import_faq", str(out), verbosity=0)
        assert FAQEntry.objects.count() == 106
        assert FAQEntry.objects.filter(is_published=False).count() == 2
    data = json.loads((tmp_path / "export.json").read_text())
    assert set(data[0]) == {"question", "answer", "category", "product", "keywords", "is_published", "language", "translation_of"}
