"""Find and run graphql-inspector (`npm install @graphql-inspector/cli graphql`).

Shared by `bench_diff.py` and `record_inspector.py`. Its `--onComplete` hook is a
small JavaScript file, written to a temporary folder, that dumps the changes it
found as JSON: `[{"level", "type", "path", "message"}]`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["ON_COMPLETE_JS", "InspectorError", "find_inspector", "inspector_changes"]

ON_COMPLETE_JS = """\
const fs = require('fs');
module.exports = function ({ breakingChanges, dangerousChanges, nonBreakingChanges }) {
  const changes = [...breakingChanges, ...dangerousChanges, ...nonBreakingChanges].map(c => ({
    level: c.criticality.level, type: c.type, path: c.path ?? null, message: c.message,
  }));
  fs.writeFileSync(process.env.PLUVO_INSPECTOR_OUT, JSON.stringify(changes));
};
"""


class InspectorError(Exception):
    """graphql-inspector is missing or failed."""


def find_inspector(explicit: Path | None = None) -> Path | None:
    """The `graphql-inspector` binary: `explicit`, on PATH, or in ./node_modules/.bin."""
    if explicit is not None:
        return explicit if explicit.is_file() else None
    on_path = shutil.which("graphql-inspector")
    if on_path:
        return Path(on_path)
    local = Path.cwd() / "node_modules" / ".bin" / "graphql-inspector"
    return local if local.is_file() else None


def inspector_changes(inspector: Path, old: Path, new: Path) -> list[dict[str, Any]]:
    """Every change graphql-inspector reports from `old` to `new`."""
    with tempfile.TemporaryDirectory(prefix="inspector-") as folder:
        hook = Path(folder) / "on_complete.js"
        hook.write_text(ON_COMPLETE_JS, encoding="utf-8")
        out = Path(folder) / "changes.json"
        completed = subprocess.run(
            [str(inspector), "diff", str(old), str(new), "--onComplete", str(hook)],
            capture_output=True,
            check=False,
            env={**os.environ, "PLUVO_INSPECTOR_OUT": str(out)},
        )
        if completed.returncode not in (0, 1):
            output = (completed.stdout + completed.stderr).decode("utf-8", "replace")
            raise InspectorError(f"graphql-inspector exited {completed.returncode}:\n{output}")
        if not out.exists():  # it calls no hook when it finds no change at all
            return []
        changes: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return changes
