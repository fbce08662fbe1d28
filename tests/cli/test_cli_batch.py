"""`atoma images batch`: a full run, bad lines, an interrupted run resumed, a bad --out;
as real processes against the bundled mock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from atoma_sdk.cli import main
from atoma_sdk.image_files import image_format
from atoma_sdk.mock import MockAPI, MockServer

CLI = [sys.executable, "-m", "atoma_sdk.cli", "images", "batch"]
TIMEOUT = 60


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}


def manifest(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


def assert_consistent(out: Path) -> None:
    """Every file named `ok` is there and a whole image; no other image, no part file."""
    named = {f for r in manifest(out) if r["status"] == "ok" for f in r["files"]}
    on_disk = {p.name for p in out.iterdir() if p.name != "manifest.jsonl"}
    assert on_disk == named, on_disk ^ named
    for name in named:
        data = (out / name).read_bytes()
        assert image_format(data) == "png" and data.endswith(b"IEND\xaeB`\x82"), name


def test_a_full_run_with_bad_lines(tmp_path: Path, capsys: Any) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text('an otter\n\n{"prompt": "a cat", "n": 2}\n{not json\n{"n": 1}\na fox\n')
    out = tmp_path / "out"
    command = ["images", "batch", str(prompts), "--out", str(out), "--mock", "--size", "256x256"]
    assert main(command) == 1  # two lines failed
    records = manifest(out)
    status = {r["line"]: r["status"] for r in records}
    assert status == {1: "ok", 3: "ok", 4: "failed", 5: "failed", 6: "ok"}
    assert [len(r["files"]) for r in records if r["line"] == 3] == [2]
    assert_consistent(out)
    err = capsys.readouterr().err
    assert "line 4: not JSON" in err and "line 5: a JSON line needs a string 'prompt'" in err
    assert "3 ok, 2 failed, 0 skipped" in err
    # the same command again: the ok lines are skipped, the bad ones recorded again
    assert main(command) == 1
    assert "0 ok, 2 failed, 3 skipped (already ok)" in capsys.readouterr().err
    assert len(manifest(out)) == 7


def test_many_in_flight_against_the_bundled_mock(tmp_path: Path, capsys: Any) -> None:
    """More calls in flight than the mock once kept images for: every download is found."""
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("".join(f"prompt {i}\n" for i in range(200)))
    out = tmp_path / "out"
    command = ["images", "batch", str(prompts), "--out", str(out), "--mock", "--size", "8x8"]
    assert main([*command, "--concurrency", "100"]) == 0
    assert [r["status"] for r in manifest(out)] == ["ok"] * 200
    assert_consistent(out)
    assert "200 ok, 0 failed, 0 skipped" in capsys.readouterr().err


def test_interrupted_then_resumed(tmp_path: Path) -> None:
    count = 40
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("".join(f"prompt {i}\n" for i in range(count)))
    out = tmp_path / "out"
    with MockServer(MockAPI(delay_seconds=0.3)) as server:
        args = [str(prompts), "--out", str(out), "--server-url", server.url]
        args += ["--concurrency", "4", "--size", "256x256"]
        process = subprocess.Popen([*CLI, *args], env=env(), stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + TIMEOUT
        while not (out / "manifest.jsonl").exists() or len(manifest(out)) < 6:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 130, err
        assert "interrupted:" in err
        first = manifest(out)
        assert 6 <= len(first) < count
        assert_consistent(out)

        resumed = subprocess.run(
            [*CLI, *args], env=env(), capture_output=True, text=True, timeout=TIMEOUT
        )
    assert resumed.returncode == 0, resumed.stderr
    assert "skipped (already ok)" in resumed.stderr
    assert f"{len(first)} skipped" in resumed.stderr
    records = manifest(out)
    ok_lines = sorted(r["line"] for r in records if r["status"] == "ok")
    assert ok_lines == list(range(1, count + 1))  # every line ok, exactly once
    assert_consistent(out)


def test_an_out_that_cannot_be_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("an otter\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["images", "batch", str(prompts), "--out", str(blocker / "out"), "--mock"])
    assert code == 2
