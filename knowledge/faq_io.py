"""Reading and writing FAQ files: JSON (a list of objects) and CSV (a header row).

Both carry the same fields: ``question`` and ``answer`` (required), and optionally
``category``, ``product``, ``keywords`` (a comma-separated string, or a list in JSON)
``is_published`` (true/false, default true), ``language`` (a language code, default
``en``: files written before entries had languages are English) and ``translation_of``
(the question of the original entry a translation translates; empty for an original).
Unknown fields are ignored.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

FIELDS = ("question", "answer", "category", "product", "keywords", "is_published", "language", "translation_of")


class FAQFileError(ValueError):
    """The file cannot be read as an FAQ file at all (not a row-level problem)."""


def faq_file_format(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in {"json", "csv"}:
        raise FAQFileError(f"{path}: unknown format {fmt!r}; use a .json or .csv file, or --format json|csv")
    return fmt


def faq_rows_read(path: str | Path, *, fmt: str | None = None) -> list[dict]:
    """The file's rows as dicts, in file order (row 1 is the first object or data line)."""
    fmt = faq_file_format(path, fmt)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FAQFileError(f"cannot read {path}: {exc}") from exc
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FAQFileError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(data, list):
            raise FAQFileError(f"{path}: expected a JSON list of objects with question and answer")
        return data
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "question" not in [f.strip() for f in reader.fieldnames]:
        raise FAQFileError(f"{path}: the CSV header must name at least the question and answer columns")
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def faq_rows_write(rows: list[dict], stream, *, fmt: str) -> None:
    if fmt == "json":
        json.dump(rows, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        return
    writer = csv.DictWriter(stream, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "is_published": "true" if row["is_published"] else "false"})
