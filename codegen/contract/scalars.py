"""What the schema's custom scalars look like on the wire: `UUID` and `DateTime` text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["is_uuid_text", "read_instant"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# ISO 8601 as Pluvo sends it: a bare date, or a date and time with an optional offset.
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?",
    re.IGNORECASE,
)


def is_uuid_text(value: Any) -> bool:
    """True for a UUID in its 36-character text form (either case)."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def read_instant(value: Any) -> datetime | None:
    """The instant an ISO 8601 `DateTime` names (a bare date is midnight UTC), or None."""
    if not isinstance(value, str) or _DATETIME.fullmatch(value) is None:
        return None
    try:
        if len(value) == len("2024-01-01"):
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        else:
            parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
