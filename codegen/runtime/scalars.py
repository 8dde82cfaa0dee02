"""Parse and serialise Pluvo's custom scalars: `UUID` and `DateTime`.

`DateTime` values are always timezone-aware in Python:

- parsing accepts ISO 8601 with an offset (`2024-01-01T10:00:00+02:00`), with `Z`,
  and a bare date (`2023-08-05`, as Pluvo's own examples send), which means
  midnight UTC. A date and time without an offset is read as UTC too: a
  decision, since Pluvo's examples are all in UTC and a local guess would vary.
- serialising converts to UTC and writes `Z` (`2024-01-01T08:00:00Z`). A naive
  `datetime` is refused: guessing its zone would silently shift issue dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

__all__ = ["parse_datetime", "parse_uuid", "serialize_datetime", "serialize_uuid"]

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_datetime(value: Any) -> datetime:
    """Read a `DateTime` value from the wire as an aware `datetime`."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if _DATE_ONLY.fullmatch(text):
                parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
            else:
                parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"expected an ISO 8601 DateTime, got {value!r}") from exc
    else:
        raise ValueError(f"expected an ISO 8601 DateTime string, got {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def serialize_datetime(value: Any) -> Any:
    """Write an aware `datetime` as ISO 8601 in UTC with a `Z` suffix.

    The generated client passes every variable through here as it is: lists are
    serialised item by item, and None and the UNSET marker pass through.
    """
    if _passes_through(value):
        return value
    if isinstance(value, list | tuple):
        return [serialize_datetime(item) for item in value]
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"refusing to send the naive datetime {value.isoformat()}: "
            "give it a timezone, e.g. value.replace(tzinfo=timezone.utc)"
        )
    try:
        text = value.astimezone(UTC).replace(tzinfo=None).isoformat()
    except OverflowError as exc:
        raise ValueError(f"{value.isoformat()} is outside the years 1-9999 in UTC") from exc
    return f"{text}Z"


def parse_uuid(value: Any) -> UUID:
    """Read a `UUID` value from the wire."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError as exc:
            raise ValueError(f"expected a UUID, got {value!r}") from exc
    raise ValueError(f"expected a UUID string, got {value!r}")


def serialize_uuid(value: Any) -> Any:
    """Write a `UUID` in its canonical 36-character form.

    Like `serialize_datetime`, it maps over lists and lets None and UNSET pass.
    A string is accepted when it is a UUID, and sent in canonical form.
    """
    if _passes_through(value):
        return value
    if isinstance(value, str):
        return str(parse_uuid(value))
    if isinstance(value, Sequence):  # a list or a tuple, as the annotations allow
        return [serialize_uuid(item) for item in value]
    if not isinstance(value, UUID):
        raise TypeError(f"expected a UUID, got {value!r}")
    return str(value)


def _passes_through(value: Any) -> bool:
    # UNSET is matched by class name: this module is copied next to base_model.py
    # but must also import on its own, where that module does not exist.
    return value is None or type(value).__name__ == "UnsetType"
