"""The searchable text of one FAQ entry, as the index reads it (no database needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone


@dataclass(frozen=True)
class EntryText:
    id: int
    question: str
    answer: str
    category: str
    product: str
    keywords: str
    stamp: int = 0  # updated_at in microseconds since the epoch (0: unknown)
    language: str = "en"  # the entry's language code (FAQEntry.language)


_EPOCH = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)


def stamp_of(moment: datetime) -> int:
    """An ``updated_at`` as exact integer microseconds since the epoch."""
    epoch = _EPOCH if moment.tzinfo is not None else _EPOCH.replace(tzinfo=None)
    return (moment - epoch) // timedelta(microseconds=1)


def moment_of(stamp: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(stamp))
