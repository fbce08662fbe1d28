"""`atoma images batch PROMPTS --out DIR`: many generations that lose nothing.

PROMPTS is a text file (one prompt a line) or JSONL (one object of `generate` arguments
a line; a line starting with `{` is read as JSON). Each line is a request, run through
`images.generate_many`'s driver (bounded, adaptive concurrency; `--rate-limit`). As each
result arrives its images are written to DIR (a temporary file, fsync'd, then renamed,
then the directory fsync'd: an image file is complete or absent) and one line is appended
to `DIR/manifest.jsonl` (flushed and fsync'd): input line number, a stable key of the
request, `ok` or `failed`, file names, error, request id. The saving runs on a thread of
its own (`_Writer`), one result at a time in the order they arrive, so the event loop
running the calls in flight never waits on the disk.

Rerunning the same command skips the lines whose key is `ok` in the manifest (and whose
files are there) and sends the others again. Ctrl-C stops sending, gives the calls in
flight a few seconds to finish (then cancels them), and exits 130; every manifest line
then names files that exist. A line that cannot be read is recorded `failed` with its
line number; the rest go on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import models
from ._runtime.batch import BatchResult, run_batch
from .image_files import image_bytes_async, image_extension
from .sdk import AtomaSDK

if TYPE_CHECKING:
    from typing import TypeAlias

    #: What one call gives the writer: the response, and its images' bytes.
    _Generated: TypeAlias = tuple[models.CreateImageResponse, list[bytes]]

__all__ = ["add_batch_command"]

MANIFEST = "manifest.jsonl"
#: Seconds the calls in flight get to finish after Ctrl-C before they are cancelled.
GRACE_SECONDS = 5.0
#: How often the progress line on a terminal is redrawn, at most, in seconds.
REDRAW_INTERVAL = 0.2


def add_batch_command(images: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register `batch` under `atoma images` (`images` is its subparsers action)."""
    from .cli import DEFAULT_MODEL
    from .cli_options import server_url

    batch = images.add_parser(
        "batch",
        parents=parents,
        help="generate images for every line of a file, resumably",
        description="Generate images for each line of PROMPTS (text or JSONL) into --out, "
        "recording each result in DIR/manifest.jsonl; rerun to resume.",
    )
    batch.set_defaults(handler=run_batch_command)
    batch.add_argument("prompts", metavar="PROMPTS", type=Path, help="text or JSONL file")
    batch.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to save")
    batch.add_argument(
        "--concurrency", type=_positive_int, default=8, metavar="N", help="default: %(default)s"
    )
    batch.add_argument(
        "--rate-limit", type=float, metavar="PER_MINUTE", help="requests started per minute"
    )
    batch.add_argument("--model", default=DEFAULT_MODEL, help="default: %(default)s")
    batch.add_argument("--size", metavar="SIZE", help="image size, e.g. 1024x1024")
    batch.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    server = batch.add_mutually_exclusive_group()
    server.add_argument(
        "--server-url", metavar="URL", type=server_url, help="default: https://api.atoma.network"
    )
    server.add_argument(
        "--mock", action="store_true", help="use the bundled mock API (no token, no network)"
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


@dataclass
class _Line:
    number: int  # 1-based, as an editor shows it
    key: str
    arguments: dict[str, Any] | None  # None: the line could not be read
    error: str | None = None


def read_lines(path: Path, defaults: dict[str, Any]) -> Iterator[_Line]:
    """Each non-empty line of PROMPTS as a request (read as it is consumed)."""
    with path.open(encoding="utf-8") as file:
        for number, raw in enumerate(file, 1):
            text = raw.strip()
            if not text:
                continue
            arguments: dict[str, Any] | None
            error = None
            if text.startswith("{"):
                try:
                    value = json.loads(text)
                except ValueError as bad:
                    arguments, error = None, f"line {number}: not JSON: {bad}"
                else:
                    if isinstance(value, dict) and isinstance(value.get("prompt"), str):
                        arguments = {**defaults, **value}
                    else:
                        arguments = None
                        error = f"line {number}: a JSON line needs a string 'prompt'"
            else:
                arguments = {**defaults, "prompt": text}
            yield _Line(number, _key(number, arguments if arguments else text), arguments, error)


def _key(number: int, request: object) -> str:
    """Stable across runs for the same line of the same file."""
    canonical = json.dumps([number, request], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def done_keys(out: Path) -> set[str]:
    """Keys recorded `ok` whose files are all there (a torn last line is ignored)."""
    done: set[str] = set()
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return done
    for raw in text.splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if record.get("status") == "ok" and all((out / f).is_file() for f in record["files"]):
            done.add(record["key"])
    return done


@dataclass
class _Manifest:
    """Appends one record a result, flushed and fsync'd before the next."""

    file: TextIO

    def record(
        self, line: _Line, status: str, files: list[str], error: str | None, rid: str | None
    ) -> None:
        entry = {
            "line": line.number,
            "key": line.key,
            "status": status,
            "files": files,
            "error": error,
            "request_id": rid,
        }
        self.file.write(json.dumps(entry) + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())


def write_atomically(directory: Path, name: str, data: bytes) -> None:
    """`directory/name` appears complete or not at all: temporary file, fsync, rename
    (the temporary file removed if any step fails)."""
    temporary = directory / f".{name}.part"
    try:
        with temporary.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def fsync_directory(directory: Path) -> None:
    """Make the renames done in `directory` durable (where a directory can be opened and
    fsync'd: not on Windows, whose renames need no such step)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _Writer:
    """Saves the results on a thread of its own, one at a time in the order handed over,
    so the event loop (every call in flight) never waits on the disk: an fsync takes
    milliseconds on a good disk, and seconds on a busy one.

    Each result's image files are durable (written, fsync'd, renamed, the directory
    fsync'd) before its manifest line is appended; `close()` waits for every result
    handed over, so a result that arrived is never lost, even after Ctrl-C.
    """

    def __init__(self, out: Path, manifest: _Manifest, counts: _Counts) -> None:
        self._out = out
        self._manifest = manifest
        self._counts = counts
        self.images = 0  # files saved, for the progress line
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atoma-batch-writer")
        self._pending: deque[Future[None]] = deque()

    def failed(self, line: _Line, error: str) -> None:
        """Record `line` as failed (an input line that could not be read, a failed call)."""
        self._submit(self._record_failure, line, error)

    def save(self, line: _Line, result: BatchResult[_Generated]) -> None:
        if result.response is None:
            self.failed(line, f"{type(result.error).__name__}: {result.error}")
        else:
            self._submit(self._save, line, result.response)

    async def backlog_at_most(self, limit: int, stopping: asyncio.Event) -> None:
        """Wait (the loop free meanwhile) until at most `limit` results are left to save,
        as their images are in memory until then; not once `stopping`: no call starts
        any more, and the results of those in flight go to the writer as they come."""
        while len(self._pending) > limit and not stopping.is_set():
            # (neither future is cancelled with this wait: the save goes on regardless)
            saved = asyncio.wrap_future(self._pending[0])
            stop = asyncio.ensure_future(stopping.wait())
            try:
                await asyncio.wait((saved, stop), return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.cancel()
            self._forget_saved()

    def close(self) -> None:
        """Wait until every result handed over is saved (no call is in flight any more);
        raises what stopped the manifest from being written."""
        self._thread.shutdown(wait=True)
        self._forget_saved()

    def _submit(self, job: Callable[..., None], *arguments: Any) -> None:
        self._pending.append(self._thread.submit(job, *arguments))
        self._forget_saved()

    def _forget_saved(self) -> None:
        while self._pending and self._pending[0].done():
            self._pending.popleft().result()  # a manifest that cannot be written stops all

    # -- on the writer's thread --------------------------------------------------------

    def _record_failure(self, line: _Line, error: str) -> None:
        self._manifest.record(line, "failed", [], error, None)
        self._counts.failed += 1

    def _save(self, line: _Line, generated: _Generated) -> None:
        response, images = generated
        files: list[str] = []
        try:
            for number, data in enumerate(images, 1):
                name = f"line-{line.number:06d}-{line.key[:8]}-{number}{image_extension(data)}"
                write_atomically(self._out, name, data)
                files.append(name)
            fsync_directory(self._out)
        except OSError as error:
            for name in files:  # no file on disk that no manifest line names
                with contextlib.suppress(OSError):
                    (self._out / name).unlink()
            self._record_failure(line, f"could not save: {error}")
            return
        self._manifest.record(line, "ok", files, None, getattr(response, "_request_id", None))
        self._counts.ok += 1
        self.images += len(files)


@dataclass
class _Counts:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.monotonic)


class _ProgressLine:
    """`done, failed, in flight, images/s, ETA` redrawn on a terminal; a summary at the end."""

    def __init__(self, stream: TextIO, counts: _Counts, total: int, quiet: bool) -> None:
        self.stream, self.counts, self.total = stream, counts, total
        self.live = not quiet and stream.isatty()
        self.drawn = 0.0

    def update(self, in_flight: int, images: int) -> None:
        now = time.monotonic()
        if not self.live or now - self.drawn < REDRAW_INTERVAL:
            return
        self.drawn = now
        c = self.counts
        elapsed = max(now - c.started, 1e-9)
        finished = c.ok + c.failed
        rate = finished / elapsed
        left = self.total - finished - c.skipped
        eta = f"{left / rate:.0f} s" if rate > 0 and left > 0 else "-"
        self.stream.write(
            f"\r\x1b[K{c.ok} done, {c.failed} failed, {in_flight} in flight, "
            f"{images / elapsed:.1f} images/s, ETA {eta}"
        )
        self.stream.flush()

    def summary(self, interrupted: bool) -> None:
        c = self.counts
        if self.live:
            self.stream.write("\r\x1b[K")
        state = "interrupted: " if interrupted else ""
        self.stream.write(
            f"{state}{c.ok} ok, {c.failed} failed, {c.skipped} skipped (already ok) "
            f"in {time.monotonic() - c.started:.1f} s\n"
        )
        self.stream.flush()


def run_batch_command(args: argparse.Namespace) -> int:
    """`atoma images batch`: exit 0 when every line is ok, 1 when some failed, 130 on Ctrl-C."""
    from .cli import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, CommandError, output_directory

    out = output_directory(args.out)
    defaults: dict[str, Any] = {"model": args.model}
    if args.size:
        defaults["size"] = args.size
    try:
        total = sum(1 for _ in read_lines(args.prompts, defaults))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {args.prompts}: {error}") from error
    counts = _Counts()
    report = _ProgressLine(sys.stderr, counts, total, args.quiet)
    interrupted = asyncio.run(_run(args, out, defaults, counts, report))
    report.summary(interrupted)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILURE if counts.failed else EXIT_OK


async def _run(
    args: argparse.Namespace,
    out: Path,
    defaults: dict[str, Any],
    counts: _Counts,
    report: _ProgressLine,
) -> bool:
    """The batch; True when Ctrl-C stopped it."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    main = asyncio.current_task()
    assert main is not None

    def interrupt() -> None:
        if stopping.is_set():
            main.cancel()  # a second Ctrl-C: cancel now
            return
        stopping.set()
        loop.call_later(GRACE_SECONDS, main.cancel)

    loop.add_signal_handler(signal.SIGINT, interrupt)
    done = done_keys(out)
    server_url, token = args.server_url, None
    mock = None
    if args.mock:
        from .mock import MockAPI, MockServer

        mock = MockServer(MockAPI(max_recorded=0)).start()  # nobody reads what it records
        server_url, token = mock.url, ""
    try:
        with (out / MANIFEST).open("a", encoding="utf-8") as file:
            writer = _Writer(out, _Manifest(file), counts)
            try:
                async with AtomaSDK(bearer_auth=token, server_url=server_url) as sdk:
                    await _drive(sdk, args, defaults, done, writer, counts, report, stopping)
            finally:
                writer.close()  # blocks the loop, which has no call left to run
    except asyncio.CancelledError:
        return True
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if mock is not None:
            mock.stop()
    return stopping.is_set()


async def _drive(
    sdk: AtomaSDK,
    args: argparse.Namespace,
    defaults: dict[str, Any],
    done: set[str],
    writer: _Writer,
    counts: _Counts,
    report: _ProgressLine,
    stopping: asyncio.Event,
) -> None:
    sent = 0

    def requests() -> Iterator[dict[str, Any]]:
        nonlocal sent
        for line in read_lines(args.prompts, defaults):
            if stopping.is_set():
                return
            if line.key in done:
                counts.skipped += 1
                continue
            if line.arguments is None:
                print(f"error: {line.error}", file=sys.stderr)
                writer.failed(line, line.error or "")
                continue
            sent += 1
            yield {"line": line}

    async def generate(line: _Line) -> _Generated:
        assert line.arguments is not None
        response = await sdk.images.generate_async(**line.arguments)
        images = [await image_bytes_async(image, sdk=sdk) for image in response.data]
        return response, images

    results = run_batch(
        generate, requests(), concurrency=args.concurrency, rate_limit=args.rate_limit
    )
    finished = 0
    async for result in results:
        writer.save(result.arguments["line"], result)
        finished += 1
        report.update(sent - finished, writer.images)
        # A slow disk delays new calls, never those in flight.
        await writer.backlog_at_most(args.concurrency, stopping)
