"""Write one file so that a reader sees the old bytes or the new ones, never a part.

One implementation for every single file the tool writes in place: `pull --out`
and `serve --fixture-out`. (`generate` replaces a whole package folder; its own
staging lives in `codegen/generate.py`.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from codegen.errors import CodegenError

__all__ = ["write_atomically"]


def write_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8, `\\n` line ends) to `path` through a temporary file and one rename.

    The missing folders are made. A `path` that is a symbolic link is followed: the
    file it points to is replaced and the link is kept, as `generate` does with a
    linked package folder. The file keeps the mode of the one it replaces (0o644 when
    new). On failure a `CodegenError` names `path`, no temporary file is left, and the
    old file is untouched.
    """
    shown = path
    path = Path(os.path.realpath(path))
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise CodegenError(f"{shown}: cannot write: {exc.strerror}") from exc
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        # mkstemp makes the file private; keep the mode of the file it replaces.
        temporary.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        temporary.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise CodegenError(f"{shown}: cannot write: {exc.strerror}") from exc
