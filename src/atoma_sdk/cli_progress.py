"""What the `atoma` command says on stderr while it works.

On a terminal, one live line, redrawn ten times a second: what the command is waiting
for, the elapsed time and the attempt number. Events (a retry with its reason and wait, a
partial image saved) are printed above it as lines of their own. When stderr is not a
terminal there is no live line: one line per event. `--quiet` silences both.

Retries are reported from the SDK's own log records (each retry is an INFO record on the
`atoma_sdk` logger carrying a `RetryNotice`), so the command needs no hook into the call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from types import TracebackType
from typing import TextIO

from ._runtime.pipeline import RetryNotice

__all__ = ["Progress", "describe_retry", "seconds_in_words"]

#: How often the live line is redrawn, in seconds.
REDRAW_INTERVAL = 0.1
#: Clears the terminal line the cursor is on, and goes back to its start.
CLEAR_LINE = "\r\x1b[K"


class Progress:
    """The command's progress reporter; a context manager for the length of the work."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, live: bool | None = None) -> None:
        self.stream = stream
        self.quiet = quiet
        self.live = (not quiet) and (stream.isatty() if live is None else live)
        self.attempt = 1
        self.doing = "starting"
        self._started = time.monotonic()
        self._waiting_until: float | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        self._handler = _RetryHandler(self)
        self._logger = logging.getLogger(__name__.partition(".")[0])
        self._saved_level = self._logger.level

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if not self.quiet:
            self._logger.addHandler(self._handler)
            if not self._logger.isEnabledFor(logging.INFO):
                self._logger.setLevel(logging.INFO)
        if self.live:
            self._ticker = threading.Thread(target=self._tick, name="atoma-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._saved_level)
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.live:
                self._write(CLEAR_LINE)

    def event(self, message: str) -> None:
        """Say that something happened: a line of its own (above the live line)."""
        if not self.quiet:
            self.error(message)

    def error(self, message: str) -> None:
        """A warning or an error: a line of its own, even with `--quiet`."""
        with self._lock:
            self._write((CLEAR_LINE if self.live else "") + message + "\n")
            if self.live:
                self._write(self.status_line())

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Keep the live line off the terminal while the caller writes (stdout may be the
        same terminal); it is drawn again afterwards."""
        with self._lock:
            if self.live:
                self._write(CLEAR_LINE)
            yield
            if self.live:
                self._write(self.status_line())

    def retry(self, notice: RetryNotice) -> None:
        """A retry is due: report it, and show the wait on the live line."""
        self.attempt = notice.attempt
        self._waiting_until = time.monotonic() + notice.wait_seconds
        self.event(describe_retry(notice))

    def working(self, doing: str) -> None:
        """What the live line says the command is doing."""
        self.doing = doing

    def status_line(self) -> str:
        now = time.monotonic()
        elapsed = f"{now - self._started:.1f} s"
        if self._waiting_until is not None and now < self._waiting_until:
            left = self._waiting_until - now
            return f"retrying in {left:.1f} s (attempt {self.attempt}) · {elapsed}"
        return f"{self.doing}… {elapsed} (attempt {self.attempt})"

    def _tick(self) -> None:
        while not self._stopped.wait(REDRAW_INTERVAL):
            with self._lock:
                self._write(CLEAR_LINE + self.status_line())

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed: progress is not worth failing for
            pass


class _RetryHandler(logging.Handler):
    """Turns the SDK's log records into progress events (retries; other warnings as is)."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        notice = getattr(record, "atoma_retry", None)
        if isinstance(notice, RetryNotice):
            self.progress.retry(notice)
        elif record.levelno >= logging.WARNING:
            self.progress.event(f"warning: {record.getMessage()}")


def describe_retry(notice: RetryNotice) -> str:
    """`attempt 1 failed (429 Too Many Requests); the server asked to wait 30 seconds
    (Retry-After); attempt 2 in 30.0 s`."""
    failed = f"attempt {notice.attempt - 1} failed ({_reason_in_words(notice.reason)})"
    asked = ""
    if notice.retry_after_seconds is not None:
        asked = (
            f"; the server asked to wait {seconds_in_words(notice.retry_after_seconds)}"
            " (Retry-After)"
        )
    return f"{failed}{asked}; attempt {notice.attempt} in {notice.wait_seconds:.1f} s"


def seconds_in_words(seconds: float) -> str:
    """`1 second`, `30 seconds`, `2 minutes 5 seconds`, `about 3 hours`."""
    whole = round(seconds)
    if seconds < 1 and whole == 0:
        return f"{seconds:.1f} seconds"
    if whole < 60:
        return _count(whole, "second")
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return _count(minutes, "minute") + (f" {_count(rest, 'second')}" if rest else "")
    return f"about {_count(round(whole / 3600), 'hour')}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _reason_in_words(reason: str) -> str:
    """`status 503` as `503 Service Unavailable`; `ConnectError` as `could not connect`."""
    kind, _, code = reason.partition(" ")
    if kind == "status" and code.isdigit():
        try:
            return f"{code} {HTTPStatus(int(code)).phrase}"
        except ValueError:
            return f"status {code}"
    return ERROR_WORDS.get(reason, reason)


#: httpx's transport errors, as a person would say them.
ERROR_WORDS = {
    "ConnectError": "could not connect",
    "ConnectTimeout": "timed out connecting",
    "ReadTimeout": "timed out waiting for the answer",
    "WriteTimeout": "timed out sending the request",
    "PoolTimeout": "timed out waiting for a connection",
    "ReadError": "the connection broke while reading",
    "WriteError": "the connection broke while sending",
    "RemoteProtocolError": "the server closed the connection",
}
