"""A wheelhouse for installing the built wheel with `pip --no-index`: the runtime
dependencies, each repacked as a wheel from the distribution installed in this
environment (the versions `uv.lock` pins), so the install needs no network and no cache."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

#: Files an installer writes into `.dist-info`, not part of a wheel.
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def runtime_requirements(wheel: Path) -> list[Requirement]:
    """The `Requires-Dist` of a wheel that apply without extras."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = archive.read(name).decode()
    lines = re.findall(r"^Requires-Dist: (.+)$", message, re.M)
    return [r for r in map(Requirement, lines) if _applies(r)]


def repack_dependencies(requirements: list[Requirement], directory: Path) -> list[Path]:
    """Repack the installed distributions that `requirements` need (transitively)."""
    seen: set[str] = set()
    pending = list(requirements)
    wheels = []
    while pending:
        requirement = pending.pop()
        key = _normal(requirement.name)
        if key in seen:
            continue
        seen.add(key)
        distribution = metadata.distribution(requirement.name)
        wheels.append(repack(distribution, directory))
        pending.extend(r for r in map(Requirement, distribution.requires or []) if _applies(r))
    return wheels


def repack(distribution: metadata.Distribution, directory: Path) -> Path:
    """One installed distribution as a wheel: the files its RECORD lists inside
    site-packages (console scripts left out), with its own WHEEL tags and a new RECORD."""
    info = Path(str(distribution._path))  # type: ignore[attr-defined]  # the .dist-info folder
    site = info.parent
    tag = re.findall(r"^Tag: (.+)$", (info / "WHEEL").read_text(), re.M)[0]
    name = _normal(distribution.metadata["Name"]).replace("-", "_")
    wheel = directory / f"{name}-{distribution.version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in distribution.files or []:
            relative = file.as_posix()
            if relative.startswith("../") or "__pycache__" in relative:
                continue
            if Path(relative).parent == Path(info.name) and Path(relative).name in INSTALLER_FILES:
                continue
            data = (site / relative).read_bytes()
            archive.writestr(relative, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{relative},sha256={digest.decode()},{len(data)}")
        record.append(f"{info.name}/RECORD,,")
        archive.writestr(f"{info.name}/RECORD", "\n".join(record) + "\n")
    return wheel


def _applies(requirement: Requirement) -> bool:
    return requirement.marker is None or requirement.marker.evaluate({"extra": ""})


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
