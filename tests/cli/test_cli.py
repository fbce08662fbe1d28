"""Tests of the `atoma` command line, run as a real process against a real mock server."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from atoma_sdk.cli import DEFAULT_MODEL, main
from atoma_sdk.mock import MockServer

PNG = b"\x89PNG\r\n\x1a\n"
GENERATIONS = "/v1/images/generations"
CLI = [sys.executable, "-m", "atoma_sdk.cli"]
SCRIPT = Path(sys.executable).parent / "atoma"
TIMEOUT = 30


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus the SDK's variables, so a developer's token cannot leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}
    return {**env, **extra}


def atoma(
    *args: str, cwd: Path, env: dict[str, str] | None = None, command: list[str] = CLI
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_images(stdout: str, count: int, base: Path) -> list[Path]:
    """stdout is exactly one path per line, of `count` new PNG files named image-<t>-<i>."""
    lines = stdout.splitlines()
    assert len(lines) == count, stdout
    for index, line in enumerate(lines, 1):
        assert re.fullmatch(rf"image-[0-9]+-{index}\.png", Path(line).name), line
        assert (base / line).read_bytes().startswith(PNG)
    return [base / line for line in lines]


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# images generate: success


def test_generate_saves_images_and_prints_their_paths(server: MockServer, tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"  # created when missing
    args = ["an otter", "--n", "2", "--size", "256x256", "--out", str(out)]
    result = atoma("images", "generate", *args, "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    paths = assert_images(result.stdout, 2, tmp_path)
    assert sorted(out.iterdir()) == sorted(paths)
    assert all(path.parent == out for path in paths)
    body = server.api.requests[0].json()
    assert body == {"model": DEFAULT_MODEL, "prompt": "an otter", "n": 2, "size": "256x256"}
    assert "authorization" not in server.api.requests[0].headers


def test_every_request_option_goes_on_the_wire(server: MockServer, tmp_path: Path) -> None:
    options = {
        "--model": "m",
        "--n": "1",
        "--size": "16x16",
        "--quality": "hd",
        "--style": "vivid",
        "--response-format": "b64_json",
        "--background": "opaque",
        "--output-format": "png",
    }
    flat = [part for item in options.items() for part in item]
    result = atoma("images", "generate", "p", *flat, "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_images(result.stdout, 1, tmp_path)
    assert server.api.requests[0].json() == {
        "model": "m",
        "prompt": "p",
        "n": 1,
        "size": "16x16",
        "quality": "hd",
        "style": "vivid",
        "response_format": "b64_json",
        "background": "opaque",
        "output_format": "png",
    }
    assert len(server.api.requests) == 1  # b64_json: decoded, nothing downloaded


def test_token_comes_from_the_environment(tmp_path: Path) -> None:
    with MockServer(require_auth=True) as server:
        env = clean_env(ATOMASDK_BEARER_AUTH="secret-token")
        args = ["images", "generate", "otter", "--size", "8x8", "--server-url", server.url]
        result = atoma(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert server.api.requests[0].headers["authorization"] == "Bearer secret-token"
        # the image download never carries the token
        assert "authorization" not in server.api.requests[1].headers
    assert_images(result.stdout, 1, tmp_path)


def test_mock_flag_serves_the_bundled_mock_for_the_command(tmp_path: Path) -> None:
    args = ["images", "generate", "otter", "--size", "16x16", "--mock"]
    result = atoma(*args, cwd=tmp_path, env=clean_env(ATOMASDK_BEARER_AUTH="not-needed"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("image-")  # relative to the default --out, "."
    assert_images(result.stdout, 1, tmp_path)


def test_installed_console_script(tmp_path: Path) -> None:
    assert SCRIPT.exists(), "scripts/setup installs the `atoma` console script"
    args = ["images", "generate", "otter", "--size", "8x8", "--mock", "--out", "o"]
    result = atoma(*args, cwd=tmp_path, command=[str(SCRIPT)])
    assert result.returncode == 0, result.stderr
    assert_images(result.stdout, 1, tmp_path)


def test_python_dash_m_atoma_sdk_is_the_command(tmp_path: Path) -> None:
    """`python -m atoma_sdk`, for installs whose scripts directory is not on PATH."""
    args = ["images", "generate", "otter", "--size", "8x8", "--mock", "--out", "o"]
    result = atoma(*args, cwd=tmp_path, command=[sys.executable, "-m", "atoma_sdk"])
    assert result.returncode == 0, result.stderr
    assert_images(result.stdout, 1, tmp_path)
    usage = atoma("--help", cwd=tmp_path, command=[sys.executable, "-m", "atoma_sdk"])
    assert (usage.returncode, usage.stdout.startswith("usage: atoma ")) == (0, True)


def test_main_runs_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["images", "generate", "otter", "--size", "8x8", "--mock", "--out", str(tmp_path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert_images(captured.out, 1, tmp_path)
    assert main(["--help"]) == 0
    assert main(["images", "generate"]) == 2  # PROMPT missing


# images generate: errors


def test_api_error_is_one_line_and_exit_1(server: MockServer, tmp_path: Path) -> None:
    server.api.fail_next(1, 500)
    result = atoma("images", "generate", "otter", "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "error: 500 Internal Server Error: Injected failure\n"
    assert list(tmp_path.iterdir()) == []


def test_missing_token_is_a_401(tmp_path: Path) -> None:
    with MockServer(require_auth=True) as server:
        result = atoma("images", "generate", "otter", "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: 401 Unauthorized: Missing or invalid bearer token")
    assert "(ATOMASDK_BEARER_AUTH is not set: export your API token in it, or try --mock)" in (
        result.stderr
    )
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_refused_token_says_to_check_it(tmp_path: Path) -> None:
    with MockServer() as server:
        server.api.fail_next(1, 401, body='{"error": {"message": "Invalid token"}}')
        env = {**clean_env(), "ATOMASDK_BEARER_AUTH": "sk-wrong"}
        args = ["images", "generate", "otter", "--server-url", server.url]
        result = atoma(*args, cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr == (
        "error: 401 Unauthorized: Invalid token "
        "(ATOMASDK_BEARER_AUTH was sent: check that it holds a valid API token)\n"
    )


def test_debug_adds_the_traceback(server: MockServer, tmp_path: Path) -> None:
    server.api.fail_next(1, 500)
    args = ["--debug", "images", "generate", "otter", "--server-url", server.url]
    result = atoma(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "InternalServerError" in result.stderr
    assert result.stderr.splitlines()[-1] == "error: 500 Internal Server Error: Injected failure"
    # also accepted after the subcommand
    server.api.fail_next(1, 500)
    args = ["images", "generate", "otter", "--server-url", server.url, "--debug"]
    assert "Traceback" in atoma(*args, cwd=tmp_path).stderr


def test_connection_error_after_the_retries_each_on_a_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = atoma("images", "generate", "otter", "--server-url", url, cwd=tmp_path)
    assert result.returncode == 1
    first, second, error = result.stderr.splitlines()
    assert re.fullmatch(r"attempt 1 failed \(could not connect\); attempt 2 in [0-9.]+ s", first)
    assert re.fullmatch(r"attempt 2 failed \(could not connect\); attempt 3 in [0-9.]+ s", second)
    assert error == (
        f"error: could not connect to {url}/v1/images/generations: [Errno 111] Connection "
        "refused (check the network and --server-url, or try --mock)"
    )


def test_quiet_leaves_only_the_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = atoma("images", "generate", "otter", "--server-url", url, "--quiet", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: could not connect to {url}/v1/images/generations: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--n", "two"], "argument --n: 'two' is not a number of images (1 or more)"),
        (["--n", "-1"], "argument --n: '-1' is not a number of images (1 or more)"),
        (["--n", "0"], "argument --n: '0' is not a number of images (1 or more)"),
        (["--partial-images", "2"], "error: --partial-images needs --stream"),
        (
            ["--stream", "--partial-images", "5"],
            "invalid argument: partial_images: must be ≤ 3, got 5",
        ),
        (["--mock", "--server-url", "http://x"], "not allowed with argument"),
    ],
)
def test_usage_errors_exit_2_before_any_request(
    server: MockServer, tmp_path: Path, args: list[str], message: str
) -> None:
    if "--mock" not in args:
        args = [*args, "--server-url", server.url]
    result = atoma("images", "generate", "otter", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert server.api.calls == 0


def test_ctrl_c_exits_130(server: MockServer, tmp_path: Path) -> None:
    server.api.delay_seconds = 10
    args = ["images", "generate", "otter", "--server-url", server.url]
    process = subprocess.Popen(
        [*CLI, *args], cwd=tmp_path, env=clean_env(), stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while server.api.calls == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 130
        assert stderr == "interrupted\n"
    finally:
        process.kill()
        process.wait()


# images generate --stream


def test_stream_saves_partial_images_as_they_arrive(server: MockServer, tmp_path: Path) -> None:
    args = ["otter", "--stream", "--partial-images", "2", "--size", "256x256", "--out", "o"]
    result = atoma("images", "generate", *args, "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [final] = assert_images(result.stdout, 1, tmp_path)
    created = final.name.split("-")[1]
    partials = [tmp_path / "o" / f"image-{created}-partial-{k}.png" for k in (1, 2)]
    assert all(path.read_bytes().startswith(PNG) for path in partials)
    assert result.stderr.splitlines() == [
        f"partial 1/2 saved to {Path('o', partials[0].name)}",
        f"partial 2/2 saved to {Path('o', partials[1].name)}",
        f"completed, saved to {Path('o', final.name)}",
    ]
    assert server.api.requests[0].json()["stream"] is True


def test_stream_with_the_bundled_mock(tmp_path: Path) -> None:
    args = ["images", "generate", "otter", "--stream", "--size", "8x8", "--mock"]
    result = atoma(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_images(result.stdout, 1, tmp_path)
    assert result.stderr.splitlines()[-1] == f"completed, saved to {result.stdout.strip()}"
    assert len(list(tmp_path.glob("image-*-partial-*.png"))) == 2  # the CLI's default


def test_stream_broken_mid_way_keeps_the_partials_and_exits_1(
    server: MockServer, tmp_path: Path
) -> None:
    server.api.cut_stream_next()
    args = ["images", "generate", "otter", "--stream", "--size", "256x256"]
    result = atoma(*args, "--server-url", server.url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    progress, error = result.stderr.splitlines()
    assert progress.startswith("partial 1/2 saved to image-")
    assert error.startswith(f"error: connection to {server.url}{GENERATIONS} failed: ")
    assert [path.name for path in tmp_path.iterdir()] == [progress.rsplit(" ", 1)[1]]


def test_stream_error_is_one_line(server: MockServer, tmp_path: Path) -> None:
    server.api.fail_next(1, 500)
    args = ["images", "generate", "otter", "--stream", "--server-url", server.url]
    result = atoma(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: 500 Internal Server Error: Injected failure\n"


# mock serve


def read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("no output from `atoma mock serve`")
    return process.stdout.readline()


def test_mock_serve_prints_its_url_and_serves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*CLI, "mock", "serve", "--port", "0"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = read_line(process, TIMEOUT).strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+", url), url
        args = ["images", "generate", "otter", "--size", "8x8", "--server-url", url]
        result = atoma(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert_images(result.stdout, 1, tmp_path)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0
        assert "Traceback" not in stderr
    finally:
        process.kill()
        process.wait()


def test_mock_serve_on_a_busy_port(tmp_path: Path) -> None:
    with MockServer() as server:
        result = atoma("mock", "serve", "--port", str(server.port), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: could not serve on 127.0.0.1:{server.port}: Address already in use "
        "(--port 0 picks a free port)\n"
    )
