"""`ChangeRecorder`: collects changes while a diff walks two schemas, and says where each one is."""

from __future__ import annotations

from collections.abc import Callable

from codegen.errors import Location
from codegen.evolution.changes import Change, ChangeType, Level
from codegen.evolution.model import InputValue, Schema, print_value
from codegen.evolution.values import is_required, is_safe_input_change

__all__ = ["NEW", "OLD", "ChangeRecorder", "Locate", "describe_default", "quote"]

Locate = Callable[[int], Location | None]
OLD = "old"
NEW = "new"
_MAX_QUOTED = 80


def quote(text: str | None) -> str:
    """A description or reason for a one-line message: one line, at most 80 characters."""
    flat = " ".join((text or "").split())
    if len(flat) > _MAX_QUOTED:
        flat = flat[: _MAX_QUOTED - 1] + "…"
    return f"'{flat}'"


def describe_default(value: InputValue) -> str:
    """A default value for a message: `'10'`, or `none`."""
    return "none" if value.default is None else f"'{print_value(value.default)}'"


def _nowhere(_offset: int) -> Location | None:
    return None


class ChangeRecorder:
    """The two schemas being compared, and the schema changes found so far, in order."""

    def __init__(
        self,
        old: Schema,
        new: Schema,
        locate_old: Locate | None = None,
        locate_new: Locate | None = None,
    ) -> None:
        self.old = old
        self.new = new
        self._locate = {OLD: locate_old or _nowhere, NEW: locate_new or _nowhere}
        self.changes: list[Change] = []

    def add(
        self,
        level: Level,
        type_: ChangeType,
        path: str | None,
        message: str,
        where: tuple[str, int] | None,
        subjects: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        """Record one change; `where` is (OLD or NEW, offset of the definition)."""
        location = None
        if where is not None and where[1] >= 0:
            location = self._locate[where[0]](where[1])
        self.changes.append(Change(level, type_, path, message + ".", location, subjects))

    def add_input_retyped(
        self, type_: ChangeType, owner: str, old: InputValue, new: InputValue, message: str
    ) -> None:
        """Record that an argument or an input field of `owner` changed type.

        A safe change (e.g. `String!` to `String`) is non-breaking. It concerns the
        operations that give the value, and every use of `owner` when the value
        became required.
        """
        path = f"{owner}.{new.name}"
        subjects: tuple[tuple[str, ...], ...] = ((path,),)
        if is_required(new) and not is_required(old):
            subjects += ((owner,),)
        safe = is_safe_input_change(old.type, new.type)
        level = Level.NON_BREAKING if safe else Level.BREAKING
        self.add(level, type_, path, message, (NEW, new.offset), subjects)
