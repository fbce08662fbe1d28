"""The `atoma` command never loses a generated image, never writes through a symlink or
over a file, ends quietly when its reader goes away, and refuses bad addresses as usage
errors. Real processes against a real mock server, except where a disk failure is faked.
"""

from __future__ import annotations

import errno
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_cli import CLI, PNG, TIMEOUT, atoma, clean_env

from atoma_sdk import cli
from atoma_sdk.mock import MockServer


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


def generate(server: MockServer, out: Path, *args: str) -> list[str]:
    return ["images", "generate", "otter", "--size", "256x256", "--out", str(out),
            "--server-url", server.url, *args]  # fmt: skip


# -- --out is checked before the request ------------------------------------------------


@pytest.mark.parametrize("kind", ["a-file", "under-a-file", "not-writable"])
def test_an_unusable_out_is_a_usage_error_before_any_request(
    server: MockServer, tmp_path: Path, kind: str
) -> None:
    (tmp_path / "file").write_text("x")
    out = {
        "a-file": tmp_path / "file",
        "under-a-file": tmp_path / "file" / "sub",
        "not-writable": Path("/proc/1"),  # exists; nobody, not even root, creates files there
    }[kind]
    result = atoma(*generate(server, out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: invalid argument: --out {out}: ")
    assert server.api.calls == 0  # nothing generated, so nothing lost


# -- an image that cannot be saved is kept -------------------------------------------------


def disk_full(*args: Any) -> Path:
    raise OSError(errno.ENOSPC, "No space left on device")


def run_in_process(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("response_format", ["url", "b64_json"])
def test_an_image_that_cannot_be_saved_is_kept_in_the_temporary_directory(
    server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    response_format: str,
) -> None:
    """The disk fills up after the request was sent: each image is kept elsewhere, the
    command says where (and prints the kept paths), and exits 1."""
    elsewhere = tmp_path / "tmp"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    monkeypatch.setattr(cli, "write_new_file", disk_full)
    argv = generate(server, tmp_path / "out", "--n", "2", "--response-format", response_format)
    code, out, err = run_in_process(argv, capsys)
    assert code == 1
    kept = [Path(line) for line in out.splitlines()]
    assert len(kept) == 2
    for index, path in enumerate(kept, 1):
        assert path.parent == elsewhere
        assert path.read_bytes().startswith(PNG)
        assert f"No space left on device; kept it as {path}" in err
        assert "could not save image image-" in err and f"-{index} in " in err
    assert list((tmp_path / "out").iterdir()) == []
    assert server.api.calls == 1


def test_when_nothing_can_be_written_the_url_is_printed(
    server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "write_new_file", disk_full)
    monkeypatch.setattr(cli, "keep_elsewhere", disk_full)
    code, out, err = run_in_process(generate(server, tmp_path), capsys)
    assert code == 1
    assert out == ""
    assert "No space left on device; it can be downloaded from http://127.0.0.1:" in err
    assert ".png" in err


def test_a_failed_download_says_where_the_image_is(tmp_path: Path) -> None:
    """The image URL is gone (the mock answers 404 there): the URL is printed, exit 1."""
    with MockServer() as server:
        server.api.base_url = gone = f"{server.url}/gone"  # image URLs no route serves
        result = atoma(*generate(server, tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "error: could not get image image-" in result.stderr
    assert f"; it can be downloaded from {gone}/v1/mock/images/" in result.stderr


def test_a_stream_keeps_its_images_too(
    server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    elsewhere = tmp_path / "tmp"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    monkeypatch.setattr(cli, "write_new_file", disk_full)
    code, out, err = run_in_process(generate(server, tmp_path / "out", "--stream"), capsys)
    assert code == 1
    assert err.count("No space left on device; kept it as") == 3
    assert len(list(elsewhere.iterdir())) == 3  # two partial images and the final one
    assert [Path(line).parent for line in out.splitlines()] == [elsewhere]


# -- never through a symlink, never over a file ------------------------------------------


def test_write_new_file_never_replaces_anything(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    (tmp_path / "a.png").symlink_to(target)
    (tmp_path / "a-2.png").symlink_to(tmp_path / "nowhere")  # dangling
    (tmp_path / "a-3.png").write_bytes(b"mine")
    (tmp_path / "a-4.png").mkdir()
    assert cli.write_new_file(tmp_path, "a.png", PNG) == tmp_path / "a-5.png"
    assert (tmp_path / "a-5.png").read_bytes() == PNG
    assert target.read_bytes() == b"precious"
    assert not (tmp_path / "nowhere").exists()
    assert (tmp_path / "a-3.png").read_bytes() == b"mine"


def test_the_command_writes_beside_existing_files_and_symlinks(
    server: MockServer, tmp_path: Path
) -> None:
    """Whatever second the image is made in, `image-<t>-1.png` is taken (a symlink to a
    file of the user's, or a file): the image goes to `image-<t>-1-2.png`."""
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "precious"
    precious.write_bytes(b"do not touch")
    now = int(time.time())
    for second in range(now - 2, now + TIMEOUT):
        name = out / f"image-{second}-1.png"
        if second % 2:
            name.symlink_to(precious)
        else:
            name.write_bytes(b"an older image")
    result = atoma(*generate(server, out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (path,) = result.stdout.splitlines()
    assert path.endswith("-1-2.png")
    assert Path(path).read_bytes().startswith(PNG)
    assert precious.read_bytes() == b"do not touch"
    for second in range(now - 2, now + TIMEOUT):
        name = out / f"image-{second}-1.png"
        assert name.is_symlink() if second % 2 else name.read_bytes() == b"an older image"


# -- a closed stdout ---------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_a_closed_stdout_ends_quietly(server: MockServer, tmp_path: Path, stream: bool) -> None:
    """`atoma images generate ... | head -0`: the reader is gone before the first path.
    No traceback, no complaint at exit, every image still saved."""
    args = generate(server, tmp_path, *(["--stream"] if stream else ["--n", "3"]))
    process = subprocess.Popen(
        [*CLI, *args],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away at once
    try:
        stderr = process.stderr.read()
        assert process.wait(timeout=TIMEOUT) == 0, stderr
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    saved = sorted(path.name for path in tmp_path.iterdir())
    if stream:
        assert stderr.count("saved to") == 3  # progress goes on on stderr
        assert len(saved) == 3
    else:
        assert stderr == ""
        assert len(saved) == 3
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_mock_serve_with_a_closed_stdout_keeps_serving(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*CLI, "mock", "serve", "--port", "0"],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    try:
        assert process.stderr.readline() == "serving the mock Atoma API; Ctrl-C to stop\n"
        assert process.poll() is None  # still serving
    finally:
        process.kill()
        process.wait()
        process.stderr.close()


# -- bad addresses are usage errors --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://example.com", "is not an absolute http:// or https:// URL with a host"),
        ("example.com", "is not an absolute http:// or https:// URL with a host"),
        ("/v1", "is not an absolute http:// or https:// URL with a host"),
        ("http://", "is not an absolute http:// or https:// URL with a host"),
        ("", "is not an absolute http:// or https:// URL with a host"),
        ("http://example.com:99999", "is not a port number"),
        ("http://[::1", "not a valid URL"),
        ("http://example.com:0", "is not a port number"),
        ("http://user:s3cret@example.com", "must not carry a user name or password"),
        ("http://example.com/v1?region=eu", "must not have a query or fragment"),
        ("http://example.com/#top", "must not have a query or fragment"),
    ],
)
def test_an_invalid_server_url_is_a_usage_error(tmp_path: Path, url: str, says: str) -> None:
    result = atoma("images", "generate", "otter", "--server-url", url, cwd=tmp_path)
    assert result.returncode == 2
    assert "argument --server-url: " in result.stderr
    assert says in result.stderr
    assert "s3cret" not in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("port", ["-1", "65536", "http", "8000.5", "\u0661"])
def test_an_invalid_port_is_a_usage_error(tmp_path: Path, port: str) -> None:
    result = atoma("mock", "serve", "--port", port, cwd=tmp_path)
    assert result.returncode == 2
    assert f"argument --port: {port!r} is not a port number (0 to 65535)" in result.stderr
    assert result.stdout == ""
