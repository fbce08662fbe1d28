"""What `atoma images generate` says while it works, and its usage messages: a live line
on a terminal (a pty here), one line per event otherwise, `--quiet`, `--version`, bad
flags, `--n 0`, open-enum values, two runs in the same second."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import atoma_sdk
from atoma_sdk._runtime.pipeline import RetryNotice
from atoma_sdk.cli_progress import describe_retry, seconds_in_words
from atoma_sdk.mock import MockServer

CLI = [sys.executable, "-m", "atoma_sdk.cli"]
TIMEOUT = 30
CLEAR_LINE = "\r\x1b[K"


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}


def atoma(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip


def atoma_on_a_terminal(*args: str, cwd: Path, both: bool = False) -> tuple[int, str, str]:
    """Run with stderr (and stdout too when `both`) on a pseudo-terminal; the exit code,
    stdout and all the terminal shows."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [*CLI, *args], cwd=cwd, env=clean_env(),
            stdout=terminal if both else subprocess.PIPE, stderr=terminal, text=True,
        )  # fmt: skip
        os.close(terminal)
        said = bytearray()
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            said += chunk
        stdout, _ = process.communicate(timeout=TIMEOUT)
    finally:
        os.close(controller)
    return process.returncode, stdout, said.decode()


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


GENERATE = ("images", "generate", "otter", "--size", "256x256")


# progress on stderr


def test_a_429_retry_is_one_line_with_the_servers_wait_in_words(
    server: MockServer, tmp_path: Path
) -> None:
    server.api.fail_next(1, 429, retry_after="1")
    result = atoma(*GENERATE, "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        r"attempt 1 failed \(429 Too Many Requests\); the server asked to wait 1 second "
        r"\(Retry-After\); attempt 2 in [0-9.]+ s",
        line,
    ), line
    assert server.api.calls == 2


def test_terminal_gets_a_live_line_with_elapsed_time_attempts_and_retries(
    server: MockServer, tmp_path: Path
) -> None:
    server.api.fail_next(1, 503, retry_after="1")
    server.api.delay_seconds = 0.5
    code, stdout, said = atoma_on_a_terminal(*GENERATE, "--server-url", server.url, cwd=tmp_path)
    assert code == 0, said
    assert len(stdout.splitlines()) == 1
    assert re.search(r"generating… [0-9]+\.[0-9] s \(attempt 1\)", said), said
    event = (
        r"\r\x1b\[Kattempt 1 failed \(503 Service Unavailable\); the server asked to wait "
        r"1 second \(Retry-After\); attempt 2 in [0-9.]+ s\r\n"  # a line of its own
    )
    assert re.search(event, said), said
    assert re.search(r"retrying in [0-9.]+ s \(attempt 2\)", said), said
    assert re.search(r"generating… [0-9]+\.[0-9] s \(attempt 2\)", said), said
    assert said.endswith(CLEAR_LINE)  # the live line is gone when the command ends
    print(f"\n{said.count(CLEAR_LINE)} redraws of the live line")


def test_paths_on_the_same_terminal_are_not_written_over_the_live_line(
    server: MockServer, tmp_path: Path
) -> None:
    server.api.delay_seconds = 0.3
    args = (*GENERATE, "--n", "2", "--server-url", server.url, "--out", "o")
    code, _, said = atoma_on_a_terminal(*args, cwd=tmp_path, both=True)
    assert code == 0, said
    paths = re.findall(r"o/image-[0-9]+-[12]\.png", said)
    assert len(paths) == 2
    for path in paths:  # each path starts a line: the live line was cleared first
        assert f"{CLEAR_LINE}{path}\r\n" in said


def test_quiet_says_nothing_on_a_terminal(server: MockServer, tmp_path: Path) -> None:
    server.api.fail_next(1, 503, retry_after="0")
    args = (*GENERATE, "--server-url", server.url, "--quiet")
    code, stdout, said = atoma_on_a_terminal(*args, cwd=tmp_path)
    assert code == 0, said
    assert said == ""
    assert len(stdout.splitlines()) == 1
    assert server.api.calls == 2


def test_errors_are_still_said_with_quiet_and_the_live_line_cleared(
    server: MockServer, tmp_path: Path
) -> None:
    server.api.fail_next(1, 500)
    code, _, said = atoma_on_a_terminal(*GENERATE, "--server-url", server.url, cwd=tmp_path)
    assert code == 1
    assert said.endswith(f"{CLEAR_LINE}error: 500 Internal Server Error: Injected failure\r\n")


def test_retry_messages() -> None:
    assert describe_retry(RetryNotice(2, "ConnectError", 0.5, None)) == (
        "attempt 1 failed (could not connect); attempt 2 in 0.5 s"
    )
    assert describe_retry(RetryNotice(3, "status 429", 90.0, 90.0)) == (
        "attempt 2 failed (429 Too Many Requests); the server asked to wait "
        "1 minute 30 seconds (Retry-After); attempt 3 in 90.0 s"
    )
    assert describe_retry(RetryNotice(2, "status 599", 1.0, None)).startswith(
        "attempt 1 failed (status 599)"
    )
    words = [seconds_in_words(s) for s in (0.25, 1, 2, 59.6, 60, 125, 7200)]
    assert words == [
        "0.2 seconds", "1 second", "2 seconds", "1 minute", "1 minute", "2 minutes 5 seconds",
        "about 2 hours",
    ]  # fmt: skip


# usage


def test_version(tmp_path: Path) -> None:
    result = atoma("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"atoma {atoma_sdk.__version__}\n")


@pytest.mark.parametrize(
    ("args", "usage", "message"),
    [
        (["images", "generate", "x", "--bogus"], "usage: atoma images generate ", "--bogus"),
        (["mock", "serve", "--bogus"], "usage: atoma mock serve ", "--bogus"),
        (["images"], "usage: atoma images ", "arguments are required: {generate,batch}"),
        (["mock"], "usage: atoma mock ", "arguments are required: {serve}"),
        ([], "usage: atoma ", "arguments are required: {images,mock}"),
        (["images", "generate", "x", "--n", "0"], "usage: atoma images generate ", "--n: '0'"),
    ],
)
def test_a_bad_command_line_shows_the_usage_of_its_subcommand(
    tmp_path: Path, args: list[str], usage: str, message: str
) -> None:
    result = atoma(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(usage), result.stderr
    assert message in result.stderr.splitlines()[-1]
    assert "_command" not in result.stderr


def test_help_lists_the_known_values(tmp_path: Path) -> None:
    result = atoma("images", "generate", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--style STYLE known: vivid, natural;" in text
    assert "--background BACKGROUND known: auto, transparent, opaque;" in text
    assert "--moderation MODERATION known: auto, low;" in text


def test_an_unknown_value_warns_and_is_sent(server: MockServer, tmp_path: Path) -> None:
    result = atoma(*GENERATE, "--style", "retro", "--server-url", server.url, cwd=tmp_path)
    warning, error = result.stderr.splitlines()
    assert warning == "warning: --style 'retro' is not one of vivid, natural; sending it anyway"
    assert server.api.requests[0].json()["style"] == "retro"
    # the mock, like the API, knows only the listed styles
    assert error.startswith("error: 400 Bad Request: style: expected one of vivid, natural")
    assert result.returncode == 1


def test_two_runs_in_the_same_second_write_different_files(
    server: MockServer, tmp_path: Path
) -> None:
    args = [*CLI, *GENERATE, "--n", "2", "--server-url", server.url]
    runs = [
        subprocess.Popen(args, cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    printed = [run.communicate(timeout=TIMEOUT)[0].splitlines() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    paths = printed[0] + printed[1]
    assert len(set(paths)) == 4
    contents = {(tmp_path / path).read_bytes() for path in paths}
    assert len(contents) == 2  # two images per run, the same two colours (same prompt)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(p).name for p in paths)
