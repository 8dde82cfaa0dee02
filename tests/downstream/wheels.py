"""Wheels for a fresh virtual environment without the network.

The end-to-end test installs our wheel into a new venv with `--no-index`: its
dependencies are repacked from the distributions installed in the running
environment (what pip would have downloaded, byte for byte: the files in each
RECORD, the dist-info, the `Tag:` lines of its WHEEL file). Console scripts are
left out, as in any wheel: pip writes them from `entry_points.txt`. Other files
installed into `bin/` (ruff's binary) go back into `<name>.data/scripts/`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

__all__ = ["dependency_closure", "repack"]

_SKIPPED = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def dependency_closure(name: str) -> list[metadata.Distribution]:
    """The installed distributions `name` needs, recursively (markers evaluated, no extras)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = list(metadata.requires(name) or [])
    while pending:
        requirement = Requirement(pending.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if key in seen:
            continue
        distribution = metadata.distribution(requirement.name)
        seen[key] = distribution
        pending.extend(distribution.requires or [])
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _entries(distribution: metadata.Distribution, stem: str) -> Iterator[tuple[str, Path]]:
    scripts = {
        ep.name
        for ep in distribution.entry_points
        if ep.group in ("console_scripts", "gui_scripts")
    }
    for file in distribution.files or []:
        relative = file.as_posix()
        path = Path(str(distribution.locate_file(file)))
        if "__pycache__" in relative or not path.is_file():
            continue
        if relative.startswith("../"):
            if "/bin/" not in relative or path.name in scripts:
                continue
            yield f"{stem}.data/scripts/{path.name}", path
        elif relative.split("/")[0].endswith(".dist-info") and path.name in _SKIPPED:
            continue
        else:
            yield relative, path


def repack(distribution: metadata.Distribution, folder: Path) -> Path:
    """Write `distribution`, as installed, as a wheel in `folder`."""
    name = re.sub(r"[-_.]+", "_", distribution.metadata["Name"]).lower()
    version = distribution.version
    tags = [
        line.split(":", 1)[1].strip()
        for line in (distribution.read_text("WHEEL") or "").splitlines()
        if line.startswith("Tag:")
    ] or ["py3-none-any"]
    pythons, abis, platforms = (sorted({t.split("-")[i] for t in tags}) for i in range(3))
    target = (
        folder / f"{name}-{version}-{'.'.join(pythons)}-{'.'.join(abis)}-{'.'.join(platforms)}.whl"
    )
    stem = f"{name}-{version}"
    records: list[str] = []
    dist_info = ""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for arcname, path in _entries(distribution, stem):
            data = path.read_bytes()
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
            wheel.writestr(info, data, zipfile.ZIP_DEFLATED)
            records.append(f"{arcname},{_digest(data)},{len(data)}")
            if arcname.split("/")[0].endswith(".dist-info"):
                dist_info = arcname.split("/")[0]
        record = f"{dist_info}/RECORD"
        wheel.writestr(record, "\n".join([*records, f"{record},,"]) + "\n")
    return target
