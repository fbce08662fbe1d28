"""A stand-alone package generated from a spec, and code or `mypy --strict` run on it,
each in a fresh interpreter: for tests of first imports, Python's default recursion
limit and the generated package's own types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def generate_package(folder: Path, spec: dict[str, object], package: str) -> Path:
    """The output folder of `package` generated from `spec` (written to `folder`)."""
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    out = folder / "out"
    command = ["-m", "generator", "--spec", str(path), "--out", str(out), "--package", package]
    done = subprocess.run(
        [sys.executable, *command],
        env={**os.environ, "PYTHONPATH": str(SCRIPTS)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def run_python(out: Path, code: str) -> subprocess.CompletedProcess[str]:
    """`code` (dedented) in a fresh interpreter that imports from `out`."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_mypy_strict(out: Path, package: str) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", package],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]
