"""Drive ariadne-codegen into a scratch folder, then swap or compare the result.

`render_package` never touches the configured output: it generates into a
temporary folder and returns the files as bytes. `write_package` then replaces
the package folder in one rename, and `find_drift` compares it byte for byte.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.config import Config
from codegen.errors import CodegenError, GenerationError
from codegen.manifest import MANIFEST_NAME, manifest_bytes
from codegen.sources import Sources

__all__ = ["Drift", "find_drift", "read_tree", "render_package", "write_package"]

# Byte-code caches appear whenever tests import the package; they are not output.
_IGNORED_DIRS = frozenset({"__pycache__"})
_EXTRA_FILES: Mapping[str, bytes] = {"py.typed": b""}


@dataclass(frozen=True)
class Drift:
    """How the package on disk differs from what `generate` would write."""

    stale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    diffs: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)


def render_package(config: Config, sources: Sources) -> dict[str, bytes]:
    """Generate the package into a scratch folder and return its files as bytes."""
    with tempfile.TemporaryDirectory(prefix="pluvo-codegen-") as scratch:
        # ariadne-codegen resolves paths against the working directory and names
        # them in file headers, so it runs from the config's folder with relative paths.
        with contextlib.chdir(config.root), contextlib.redirect_stdout(io.StringIO()):
            try:
                _run_ariadne_codegen(config, sources, Path(scratch))
            except CodegenError:
                raise
            except Exception as exc:
                raise GenerationError(f"ariadne-codegen failed: {exc}") from exc
        files = {**_EXTRA_FILES, **read_tree(Path(scratch) / config.package_dir.name)}
    _check_relative_imports(config, files)
    # Last: it holds a sha256 of every other file (see codegen/manifest.py).
    files[MANIFEST_NAME] = manifest_bytes(config, sources, files)
    return files


def _check_relative_imports(config: Config, files: Mapping[str, bytes]) -> None:
    """Refuse a package that could not be imported: `from .x import` with no `x` in it.

    Our plugins and base client import the runtime modules (`bulk`, `pagination`,
    `retry`, ...); a config whose own `files_to_include` leaves one out would give
    a package that `check` and `verify` accept but Python cannot import.
    """
    import ast

    present = {name.split("/")[0].removesuffix(".py") for name in files}
    problems = []
    for name, data in sorted(files.items()):
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(data, name)):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                module = node.module.split(".")[0]
                if module not in present:
                    where = config.display(config.package_dir / name)
                    problems.append(
                        f"{where}:{node.lineno}: imports .{module}, which the package lacks"
                        f" (add the runtime's {module}.py to files_to_include, or leave"
                        " files_to_include out to get every runtime module)"
                    )
    if problems:
        raise GenerationError("\n".join(problems))


def _run_ariadne_codegen(config: Config, sources: Sources, scratch: Path) -> None:
    # The same steps as ariadne_codegen.main, minus its own schema and operation
    # loading: ours already parsed and validated them, with file names attached.
    from ariadne_codegen.client_generators.package import get_package_generator
    from ariadne_codegen.config import get_client_settings
    from ariadne_codegen.plugins.explorer import get_plugins_types
    from ariadne_codegen.plugins.manager import PluginManager
    from ariadne_codegen.schema import add_mixin_directive_to_schema
    from graphql import assert_valid_schema

    section = {**config.section, "target_package_path": scratch.as_posix()}
    ours = {"unasync": list(config.unasync)}  # for PublicApiPlugin
    config_dict: dict[str, Any] = {"tool": {"ariadne-codegen": section, "pluvo-codegen": ours}}
    settings = get_client_settings(config_dict)
    plugin_manager = PluginManager(
        schema=sources.schema,
        config_dict=config_dict,
        plugins_types=get_plugins_types(settings.plugins),
    )
    schema = add_mixin_directive_to_schema(sources.schema)
    schema = plugin_manager.process_schema(schema)
    assert_valid_schema(schema)
    generator = get_package_generator(
        schema=schema,
        fragments=list(sources.fragments),
        settings=settings,
        plugin_manager=plugin_manager,
    )
    for operation in sources.operations:
        generator.add_operation(operation)
    generator.generate()
    _derive_sync_modules(config, scratch / settings.target_package_name)


def _derive_sync_modules(config: Config, package: Path) -> None:
    """Write the sync twin of each module listed in `[tool.pluvo-codegen] unasync`."""
    from ariadne_codegen.utils import format_many

    from codegen.unasync import unasync_source

    names = [n for n in config.unasync if (package / n).is_file()]
    sources = [
        unasync_source((package / n).read_text(encoding="utf-8"), f"Derived from {n}; do not edit.")
        for n in names
    ]
    for name, code in zip(names, format_many(sources), strict=True):
        (package / name.removeprefix("async_")).write_text(code, encoding="utf-8")


def read_tree(root: Path) -> dict[str, bytes]:
    """Read every file under `root`, keyed by its POSIX path relative to `root`."""
    files: dict[str, bytes] = {}
    if not root.is_dir():
        return files
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED_DIRS)
        for name in sorted(names):
            path = Path(folder) / name
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def find_drift(config: Config, expected: Mapping[str, bytes]) -> Drift:
    """Compare the package on disk with `expected`, naming and diffing each difference."""
    actual = read_tree(config.package_dir)
    stale = sorted(
        name for name in expected.keys() & actual.keys() if expected[name] != actual[name]
    )
    shown = {
        name: config.display(config.package_dir / name) for name in expected.keys() | actual.keys()
    }
    return Drift(
        stale=tuple(stale),
        missing=tuple(sorted(expected.keys() - actual.keys())),
        extra=tuple(sorted(actual.keys() - expected.keys())),
        diffs={name: _diff(shown[name], actual[name], expected[name]) for name in stale},
    )


def _diff(shown: str, committed: bytes, generated: bytes) -> str:
    lines = difflib.unified_diff(
        committed.decode("utf-8", "replace").splitlines(keepends=True),
        generated.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"{shown} (on disk)",
        tofile=f"{shown} (generated)",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def write_package(config: Config, files: Mapping[str, bytes]) -> bool:
    """Replace the package folder with `files` in one swap; False if already equal.

    The new tree is written beside the old one and renamed into place, so an
    interrupted or failed run leaves the old package byte-identical.
    """
    target = config.package_dir
    if read_tree(target) == dict(files) and target.is_dir():
        return False
    if target.exists() and not target.is_dir():
        raise CodegenError(f"{config.display(target)}: exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the package folder is not
    backup = staging.with_name(staging.name.replace(".new-", ".old-"))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if target.exists():
            target.rename(backup)
        try:
            staging.rename(target)
        except BaseException:
            if backup.exists():
                backup.rename(target)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
    return True
