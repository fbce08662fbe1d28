"""`atoma images batch` saves on a thread of its own: a slow disk holds back neither the
calls in flight nor new ones, and Ctrl-C loses no result that reached the writer.

In process, against the bundled mock (`--mock`), with the image writer patched; the
calls that completed are counted as their image bytes arrive.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_cli_batch import assert_consistent, manifest

from atoma_sdk import cli_batch
from atoma_sdk.cli import main

CONCURRENCY = 4
#: Calls that must complete while the first image is being written: more than were in
#: flight when it started, so new calls were started meanwhile too.
WANTED = CONCURRENCY + 2
#: A safety net only: without the writer thread, nothing completes and this expires.
GIVE_UP_SECONDS = 30.0


class Completions:
    """Counts calls whose image bytes arrived (on the event loop), waited on by others."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.changed = threading.Condition()
        fetch = cli_batch.image_bytes_async

        async def counted(image: Any, **options: Any) -> bytes:
            data = await fetch(image, **options)
            with self.changed:
                self.count += 1
                self.changed.notify_all()
            return data

        monkeypatch.setattr(cli_batch, "image_bytes_async", counted)

    def wait_for_more(self, more: int) -> int:
        """Block until `more` calls complete (or the safety net); how many did."""
        with self.changed:
            start = self.count
            self.changed.wait_for(lambda: self.count >= start + more, GIVE_UP_SECONDS)
            return self.count - start


def patch_writes(
    monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None]
) -> Callable[[], int]:
    """`before(n)` runs ahead of the n-th image write (1-based); returns a write counter."""
    write = cli_batch.write_atomically
    writes = 0

    def patched(directory: Path, name: str, data: bytes) -> None:
        nonlocal writes
        writes += 1
        before(writes)
        write(directory, name, data)

    monkeypatch.setattr(cli_batch, "write_atomically", patched)
    return lambda: writes


def command(tmp_path: Path, prompts: int) -> list[str]:
    path = tmp_path / "prompts.txt"
    path.write_text("".join(f"prompt {i}\n" for i in range(prompts)))
    out = tmp_path / "out"
    options = ["--out", str(out), "--mock", "--size", "8x8", "--concurrency", str(CONCURRENCY)]
    return ["images", "batch", str(path), *options]


def test_a_slow_disk_write_does_not_stall_the_other_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    completions = Completions(monkeypatch)
    during_first_write: list[int] = []

    def first_write_waits_for_other_calls(number: int) -> None:
        if number == 1:
            during_first_write.append(completions.wait_for_more(WANTED))

    patch_writes(monkeypatch, first_write_waits_for_other_calls)
    assert main(command(tmp_path, 40)) == 0
    out = tmp_path / "out"
    print(f"calls completed while the first image was being written: {during_first_write}")
    assert during_first_write == [WANTED]  # not fewer: the event loop went on
    assert [r["status"] for r in manifest(out)] == ["ok"] * 40
    assert_consistent(out)
    assert "40 ok, 0 failed, 0 skipped" in capsys.readouterr().err


def test_ctrl_c_with_writes_pending_saves_every_result_that_arrived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while the first image is being written, which waits for two of the calls
    in flight to complete: their results, queued for the writer, are still saved, each
    with its manifest line."""
    completions = Completions(monkeypatch)

    def ctrl_c_at_the_first_write(number: int) -> None:
        if number == 1:
            os.kill(os.getpid(), signal.SIGINT)
            completions.wait_for_more(2)

    writes = patch_writes(monkeypatch, ctrl_c_at_the_first_write)
    assert main(command(tmp_path, 200)) == 130
    out = tmp_path / "out"
    records = manifest(out)
    print(f"calls completed: {completions.count}, images written: {writes()}")
    assert "interrupted:" in capsys.readouterr().err
    assert 3 <= len(records) < 200
    assert all(r["status"] == "ok" for r in records)
    assert writes() == len(records) == completions.count  # every result that arrived
    assert_consistent(out)
