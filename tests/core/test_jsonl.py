"""The one JSON Lines reader: rows with their line numbers, blank lines skipped, a bad line named."""

from __future__ import annotations

import pytest

from core.jsonl import JsonlError, jsonl_rows


def test_rows_come_with_their_line_numbers_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "où est ma commande"}\n\n   \n{"text": "b", "n": 2}\n[1, 2]', encoding="utf-8")
    assert list(jsonl_rows(path)) == [(1, {"text": "où est ma commande"}), (4, {"text": "b", "n": 2}), (5, [1, 2])]


def test_a_line_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ok": 1}\n{"text": \n', encoding="utf-8")
    rows = jsonl_rows(path)
    assert next(rows) == (1, {"ok": 1})
    with pytest.raises(JsonlError, match=r"^line 2: not JSON \(Expecting value\)$") as caught:
        next(rows)
    assert caught.value.line_number == 2
    assert isinstance(caught.value, ValueError)
