"""JSON Lines files (one JSON value a line), read the one way every part of the project needs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class JsonlError(ValueError):
    """A line that is not JSON; the message names the line (``line 3: not JSON (...)``)."""

    def __init__(self, line_number: int, msg: str):
        super().__init__(f"line {line_number}: not JSON ({msg})")
        self.line_number = line_number
        self.msg = msg


def jsonl_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Each non-blank line's number (the first line is 1) and its JSON value, in file order.

    The file is read as UTF-8, a line at a time. Raises ``JsonlError`` at the first line
    that is not JSON, after yielding the rows before it.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise JsonlError(number, exc.msg) from None
