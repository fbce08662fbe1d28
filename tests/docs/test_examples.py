"""Every program in examples/ runs as README.md says: unchanged, against the bundled mock
that `ATOMASDK_SERVER_URL` points to, with no token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from atoma_sdk.mock import MockServer

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_against_the_mock(example: Path, server: MockServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}
    env["ATOMASDK_SERVER_URL"] = server.url
    calls = server.api.calls
    result = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"{example.name}\n{result.stdout}{result.stderr}"
    assert server.api.calls > calls or "MockServer()" in example.read_text()
    print(f"\n{example.name}: {result.stdout}", end="")
