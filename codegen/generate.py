"""Drive ariadne-codegen into a scratch folder, then swap or compare the result.

`render_package` never touches the configured output: it generates into a
temporary folder and returns the files as bytes. `write_package` then replaces
the package folder in one rename, and `find_drift` compares it byte for byte.

`write_package` replaces only what this tool owns (`check_package_dir`): never
the config's folder, the schema or the operations, nor a folder it did not write,
nor a file inside the package that it did not write (`foreign_files`): those make it
refuse, one line per file, before anything is written.
A package folder that is a symbolic link is followed: the folder it points to is
replaced atomically and the link is left as it is. Any OS error (a read-only
folder, a full disk, a file in the way) is one line naming the path, exit 2, and
the package on disk is left byte-identical. See docs/generate-safety.md.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.config import Config
from codegen.errors import CodegenError, Diagnostic, DocumentError, GenerationError
from codegen.manifest import MANIFEST_NAME, has_manifest, manifest_bytes, read_manifest
from codegen.sources import Sources
from codegen.style import paint

__all__ = [
    "Drift",
    "check_package_dir",
    "describe_changes",
    "find_drift",
    "foreign_files",
    "is_generated_package",
    "read_tree",
    "render_package",
    "write_package",
]

# Byte-code caches appear whenever tests import the package; they are not output.
_IGNORED_DIRS = frozenset({"__pycache__"})
_EXTRA_FILES: Mapping[str, bytes] = {"py.typed": b""}


@dataclass(frozen=True)
class Drift:
    """How the package on disk differs from what `generate` would write.

    `extra` holds every file `generate` would not write; `foreign` the ones among them
    it did not write either (`foreign_files`), which make `generate` refuse.
    """

    stale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    diffs: Mapping[str, str] = field(default_factory=dict)
    foreign: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)


def render_package(config: Config, sources: Sources) -> dict[str, bytes]:
    """Generate the package into a scratch folder and return its files as bytes."""
    try:
        with tempfile.TemporaryDirectory(prefix="pluvo-codegen-") as scratch:
            # ariadne-codegen resolves paths against the working directory and names
            # them in file headers, so it runs from the config's folder with relative paths.
            with contextlib.chdir(config.root), contextlib.redirect_stdout(io.StringIO()):
                try:
                    _run_ariadne_codegen(config, sources, Path(scratch))
                except CodegenError:
                    raise
                except OSError as exc:
                    raise _scratch_error(exc) from None
                except Exception as exc:
                    raise GenerationError(f"ariadne-codegen failed: {exc}") from exc
            files = read_tree(Path(scratch) / config.package_dir.name)
    except OSError as exc:
        raise _scratch_error(exc) from None
    files = {**_EXTRA_FILES, **files}
    _check_relative_imports(config, files)
    # Last: it holds a sha256 of every other file (see codegen/manifest.py).
    files[MANIFEST_NAME] = manifest_bytes(config, sources, files)
    return files


def _scratch_error(exc: OSError) -> CodegenError:
    where = exc.filename or tempfile.gettempdir()
    return CodegenError(f"{where}: cannot write the scratch package: {exc.strerror or exc}")


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
                    message = (
                        f"imports .{module}, which the package lacks (add the runtime's "
                        f"{module}.py to files_to_include, or leave files_to_include out "
                        "to get every runtime module)"
                    )
                    problems.append(
                        str(Diagnostic(where, node.lineno, node.col_offset + 1, message))
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
        unasync_source(
            (package / n).read_text(encoding="utf-8"),
            f"Derived from {n}; do not edit.",
            path=config.display(config.package_dir / n),
        )
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
    """Compare the package on disk with `expected`, naming and diffing each difference.

    A package folder `generate` would refuse (`check_package_dir`) is bad input here
    too, not drift: `check` does not read the whole project, or `/` through a link.
    """
    check_package_dir(config)
    try:
        actual = read_tree(config.package_dir)
    except OSError as exc:
        where = config.display(Path(exc.filename)) if exc.filename else "the package"
        raise CodegenError(f"{where}: cannot read: {exc.strerror or exc}") from None
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
        foreign=tuple(foreign_files(config.package_dir, actual.keys(), expected.keys())),
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


def is_generated_package(path: Path) -> bool:
    """Whether `path` is a package folder written by this tool, which `generate` may replace.

    Recognised by an `__init__.py`, no folder but byte-code caches, and either our
    manifest (`pluvo-codegen.json`, see codegen/manifest.py) or, for packages
    written before the manifest existed, ariadne-codegen's `base_model.py` runtime
    module (its `UnsetType` and `BaseModel`). The header comment is not required,
    since `include_comments = "none"` leaves it out.
    """
    return path.is_dir() and _why_not_ours(path) is None


def _why_not_ours(path: Path) -> str | None:
    """Why the folder `path` is not a package this tool wrote; None when it is."""
    try:
        folders = sorted(
            e.name for e in path.iterdir() if e.is_dir() and e.name not in _IGNORED_DIRS
        )
        if folders:
            return f"it holds a folder, {folders[0]}, and a generated package has none"
        if not (path / "__init__.py").is_file():
            return "no __init__.py"
        if has_manifest(path):
            return None
        base_model = (path / "base_model.py").read_bytes()
    except FileNotFoundError:
        return f"no {MANIFEST_NAME} and no ariadne-codegen base_model.py"
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    if all(marker in base_model for marker in _BASE_MODEL_MARKERS):
        return None
    return f"no {MANIFEST_NAME}, and base_model.py is not ariadne-codegen's"


_BASE_MODEL_MARKERS = (b"class UnsetType", b"class BaseModel(PydanticBaseModel)")


def check_package_dir(config: Config) -> Path:
    """Refuse a package folder `generate` must not replace; return the folder to write.

    Refused, before anything is written: a package folder that is or contains the
    config's folder; that is, contains or lies inside the schema or the operations;
    a file; a folder with files in it that `is_generated_package` does not
    recognise; a symbolic link to nothing. A link to a folder is followed, and the
    checks apply to the folder it points to.
    """
    package = config.package_dir
    shown = config.display(package)
    if package.is_symlink() and not package.exists():
        raise CodegenError(
            f"{shown}: a symbolic link to {package.readlink()}, which does not exist"
        )
    real = Path(os.path.realpath(package))
    advice = "set target_package_path and target_package_name to a folder of its own"
    root = Path(os.path.realpath(config.root))
    if _within(root, real):
        what = "is" if root == real else "contains"
        raise CodegenError(f"{shown}: the package folder {what} the config's folder; {advice}")
    for label, path in (("schema", config.schema_path), ("operations", config.queries_path)):
        source = Path(os.path.realpath(path))
        shown_source = config.display(path)
        if _within(source, real):
            what = "is" if source == real else "contains"
            raise CodegenError(
                f"{shown}: the package folder {what} the {label} ({shown_source}); {advice}"
            )
        if _within(real, source):
            raise CodegenError(
                f"{shown}: the package folder lies inside the {label} ({shown_source}); {advice}"
            )
    try:
        if real.exists() and not real.is_dir():
            raise CodegenError(f"{shown}: exists and is not a folder")
        above = next(folder for folder in real.parents if folder.exists())
        if not above.is_dir():
            raise CodegenError(
                f"{config.display(above)}: exists and is not a folder, so {shown} cannot go in it"
            )
        why = _why_not_ours(real) if real.is_dir() and any(real.iterdir()) else None
        if why is not None:
            raise CodegenError(
                f"{shown}: a folder pluvo-codegen did not write ({why}); move it away or {advice}"
            )
    except OSError as exc:
        raise CodegenError(f"{shown}: cannot read: {exc.strerror}") from None
    return real


FOREIGN = "not written by pluvo-codegen; move it out of the package or delete it"
UNRECORDED = (
    f"not a file generate writes now, and the package has no {MANIFEST_NAME} to tell"
    " whether pluvo-codegen wrote it; move it out of the package or delete it"
)


def foreign_files(package: Path, on_disk: Iterable[str], expected: Iterable[str]) -> list[str]:
    """The files of `package` (names in `on_disk`) that `generate` must not delete.

    The package's manifest is the record of what the last `generate` wrote: a file it
    does not list (nor the manifest itself) is someone else's. A package from before
    manifests existed has no record, so only the names this generation writes
    (`expected`) are taken as ours; a removed operation's module there is named too,
    and the user deletes it once. `__pycache__` is never read (see `read_tree`).
    """
    try:
        manifest = read_manifest(package)
    except CodegenError:
        ours = set(expected)
    else:
        ours = {*manifest.files, MANIFEST_NAME}
    return sorted(set(on_disk) - ours)


def _refuse_foreign_files(
    target: Path, names: Iterable[str], files: Mapping[str, bytes], shown: Callable[[str], str]
) -> None:
    foreign = foreign_files(target, names, files.keys())
    if foreign:
        why = FOREIGN if has_manifest(target) else UNRECORDED
        raise DocumentError(Diagnostic(shown(name), 0, 0, why) for name in foreign)


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def write_package(config: Config, files: Mapping[str, bytes]) -> bool:
    """Replace the package folder with `files` in one swap; False if already equal.

    The new tree is written beside the old one and renamed into place, so an
    interrupted or failed run leaves the old package byte-identical. An OS error
    becomes one `CodegenError` line naming the package, the error and the file.
    """
    target = check_package_dir(config)

    def shown(name: str) -> str:
        return config.display(config.package_dir / name)

    try:
        return _swap(target, files, config.display, shown)
    except OSError as exc:
        where = f" ({config.display(Path(exc.filename))})" if exc.filename else ""
        raise CodegenError(
            f"{config.display(config.package_dir)}: cannot write the package: "
            f"{exc.strerror or exc}{where}"
        ) from None


def _swap(
    target: Path,
    files: Mapping[str, bytes],
    display: Callable[[Path], str],
    shown: Callable[[str], str],
) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        # Read under the lock: another run may have swapped its package in meanwhile.
        old = read_tree(target)
        if old == dict(files) and target.is_dir():
            return False
        # The old package is deleted by the swap: refuse while it holds anyone else's file.
        _refuse_foreign_files(target, old.keys(), files, shown)
        return _swap_locked(target, files, display)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` for one swap at a time, so `generate` runs at once
    on one package do not rename each other's folders away. The lock is `flock` on the
    folder itself, so no lock file is left behind. Where there is no lock to take (no
    `fcntl` on Windows, a filesystem without locks, an unreadable folder) the swap runs
    unlocked, as it did before: a lock must never stop `generate`.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder we may write but not read: swap unlocked, as before
        yield
        return
    try:
        # No locks on this filesystem (some NFS mounts): swap unlocked.
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _swap_locked(target: Path, files: Mapping[str, bytes], display: Callable[[Path], str]) -> bool:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    backup = staging.with_name(staging.name.replace(".new-", ".old-"))
    moved_aside = False
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the package folder is not
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.write_bytes(content)
            except OSError as exc:
                if exc.filename is not None:
                    raise
                # A full disk fails the write itself, which names no file: name it.
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
        if target.exists():
            target.rename(backup)
            moved_aside = True
        staging.rename(target)
    except BaseException as exc:
        if moved_aside:
            try:
                backup.rename(target)
            except OSError as again:
                # Never delete the only copy of the old package: say where it is.
                raise CodegenError(
                    f"{display(target)}: cannot write the package ({exc}), nor put the old "
                    f"one back ({again.strerror}); it is at {display(backup)}"
                ) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)
    return True


def describe_changes(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> str:
    """What `generate` says: how many files changed (added, updated, removed), not rendered."""
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    updated = sum(1 for name in after.keys() & before.keys() if after[name] != before[name])
    changed = added + removed + updated
    if not changed:
        return f"up to date, nothing written ({len(after)} files)"
    noun = "file" if changed == 1 else "files"
    parts = ", ".join(
        f"{count} {word}"
        for count, word in ((added, "added"), (updated, "updated"), (removed, "removed"))
        if count
    )
    return paint(f"{changed} {noun} changed", "green") + f" ({parts}; {len(after)} files in all)"
