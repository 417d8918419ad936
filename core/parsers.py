"""JSON from clients, parsed so that no input can turn into a server error.

Python's decoder raises ``ValueError`` for malformed JSON but ``RecursionError`` for
JSON nested deeper than the interpreter's recursion limit (``[[[[...`` 100,000 deep is a
few hundred kilobytes). Both are the client's mistake: the API answers 400 and the
websocket an ``invalid_json`` error frame, never a 500 or a dropped connection.
"""

from __future__ import annotations

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP = "JSON nested too deeply"


def json_loads(text: str | bytes) -> object:
    """``json.loads``, raising ``ValueError`` for anything the decoder cannot handle."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with too-deep nesting a 400 ``parse_error`` like any malformed body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - {TOO_DEEP}") from None
