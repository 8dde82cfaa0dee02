"""The exception a property raises when the endpoint breaks its statement."""

from __future__ import annotations

__all__ = ["Violation"]


class Violation(Exception):
    """The endpoint broke a property; the message says what was expected and what came back."""
