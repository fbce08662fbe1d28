"""`atoma images generate ... --confidential`, as a real process against the bundled mock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atoma_sdk.cli import main
from atoma_sdk.mock import MockServer
from atoma_sdk.mock.confidential import CONFIDENTIAL_PATH, LOCK_PATH

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}
    return subprocess.run(
        [sys.executable, "-m", "atoma_sdk.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_confidential_generation_with_the_bundled_mock(tmp_path: Path) -> None:
    done = run(
        "images", "generate", "otter", "--size", "8x8", "--n", "2", "--confidential", "--mock",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    paths = done.stdout.splitlines()
    assert len(paths) == 2
    for path in paths:
        assert (tmp_path / path).read_bytes().startswith(PNG)


def test_the_cli_goes_through_the_lock_and_the_sealed_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATOMASDK_BEARER_AUTH", "token")
    with MockServer() as server:
        argv = ["images", "generate", "otter", "--size", "8x8", "--confidential"]
        code = main([*argv, "--server-url", server.url, "--out", str(tmp_path)])
        paths = [request.path for request in server.api.requests]
    assert code == 0, capsys.readouterr().err
    assert paths[:2] == [LOCK_PATH, CONFIDENTIAL_PATH]
    assert b"otter" not in server.api.requests[1].body


def test_confidential_cannot_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["images", "generate", "otter", "--confidential", "--stream", "--mock"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert "--confidential cannot be combined with --stream" in capsys.readouterr().err
