"""The reference server: a local Pluvo certificate API over real HTTP and SQLite."""

from __future__ import annotations

from codegen.server.app import ServerSettings, build_app

__all__ = ["ServerSettings", "build_app"]
