"""The reference server: a local Pluvo certificate API over real HTTP and SQLite.

`build_app` and `ServerSettings` are imported on first use: `pluvo-codegen`'s parser
reads serve's options (codegen/server/command.py) without loading the server itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.server.app import ServerSettings, build_app

__all__ = ["ServerSettings", "build_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from codegen.server import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
