"""The HTTP clients of one SDK instance: the user's, or the SDK's own, made on first use.

The SDK's own clients belong to one process and, for async calls, to one event loop:

- After `os.fork()` the child forgets the parent's clients (it never closes or reads
  their sockets, which carry the parent's requests) and makes its own on first use.
- An `httpx.AsyncClient`'s connections belong to the event loop that opened them. The
  SDK makes one client per loop and closes it while that loop shuts down: a suspended
  async generator is the hook, as `asyncio.run()`, `asyncio.Runner` and pytest-asyncio
  close every async generator before they close the loop. A loop closed without that
  step leaves its client to the garbage collector.

Clients passed in by the user are theirs: never closed, never replaced after a fork.
An SDK dropped with a client of its own still open (never closed, and not closed with
its event loop) closes it as the garbage collector takes it, with a `ResourceWarning`
naming the SDK, as an unclosed file does (shown under `-W default`, `python -X dev` and
pytest; ignored by default).
A copy of the SDK (`with_options`) borrows its original's clients (`BorrowedClients`):
the pools are shared, closing the copy ends the copy only, closing the original ends all.
A call on a closed SDK, through a closed client of the user's, or through the user's
async client on another event loop than its first raises a clear SDK error.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
import weakref
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from . import deadline
from .cookies import skip_cookieless_responses
from .errors import ClientClosedError, EventLoopMismatchError
from .sniffio_lookup import remember_missing_sniffio

if TYPE_CHECKING:
    import asyncio

__all__ = ["BorrowedClients", "HTTPClients", "stale_loop_error"]

_SDK_CLOSED = "the client is closed: this SDK instance was closed (create a new one)"
_COPY_CLOSED = (
    "the client is closed: this copy made by with_options() was closed (the SDK it was "
    "made from is still open: use it, or make another copy)"
)


@dataclass
class _LoopClient:
    """The SDK's async client for one event loop, and the hook closing it with the loop."""

    client: httpx.AsyncClient
    bounded: bool
    hook: Any  # the suspended async generator, or None without an asyncio loop


class HTTPClients:
    """The clients one SDK instance sends with (see the module's docstring)."""

    def __init__(
        self,
        client: httpx.Client | None,
        async_client: httpx.AsyncClient | None,
        *,
        headers: Mapping[str, str],
        timeout: httpx.Timeout,
        limits: httpx.Limits,
        owner: str = "SDK",
    ) -> None:
        self.owner = owner
        self.given = client
        self.given_async = async_client
        self.closed = False
        self._headers = dict(headers)
        self._timeout = timeout
        self._limits = limits
        self._lock = threading.Lock()
        self._sync: httpx.Client | None = None
        self._sync_bounded = False
        self._loops: dict[asyncio.AbstractEventLoop | None, _LoopClient] = {}
        #: clients close() could not close at once: closed when their loop shuts down
        self._retired: dict[asyncio.AbstractEventLoop | None, _LoopClient] = {}
        self._given_async_loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._closing: set[Any] = set()  # closes scheduled by close() on a running loop
        _ALL.add(self)

    def __del__(self, _warn: Any = warnings.warn) -> None:
        # `_warn` bound at definition: at interpreter exit the module's globals may be gone
        if self.closed or (self._sync is None and not self._loops):
            return  # closed, or nothing of its own open (a loop's client closes with it)
        with contextlib.suppress(Exception):
            self._close_at_collection()
        _warn(
            f"unclosed {self.owner} SDK: its HTTP connections are closed as it is "
            "garbage-collected (use `with` / `async with`, or call close() / await aclose())",
            ResourceWarning,
            source=self,
            stacklevel=2,
        )

    def _close_at_collection(self) -> None:
        """`close()` for `__del__`: the loop hooks cannot close the clients any more (their
        reference to this object is dead), so the running loop's client is closed here."""
        if self._sync is not None:
            self._sync.close()
        running = _running_loop()
        entry = self._loops.get(running) if running is not None else None
        if running is not None and entry is not None:
            task = running.create_task(entry.client.aclose())
            _CLOSING_AT_COLLECTION.add(task)
            task.add_done_callback(_CLOSING_AT_COLLECTION.discard)

    # -- the client for a call ------------------------------------------------------------

    def sync(self) -> httpx.Client:
        if self.closed:
            raise ClientClosedError(_SDK_CLOSED)
        given = self.given
        if given is not None:
            if given.is_closed:
                raise ClientClosedError(
                    "the client is closed: the httpx.Client passed as `client` was closed"
                )
            return given
        client = self._sync
        if client is None:
            with self._lock:
                if self.closed:
                    raise ClientClosedError(_SDK_CLOSED)
                client = self._sync
                if client is None:
                    client = skip_cookieless_responses(
                        httpx.Client(
                            timeout=self._timeout, limits=self._limits, headers=self._headers
                        )
                    )
                    self._sync_bounded = _bound(client)
                    self._sync = client
        return client

    def for_running_loop(self) -> httpx.AsyncClient:
        if self.closed:
            raise ClientClosedError(_SDK_CLOSED)
        loop = _running_loop()
        given = self.given_async
        if given is not None:
            if given.is_closed:
                raise ClientClosedError(
                    "the client is closed: the httpx.AsyncClient passed as `async_client` "
                    "was closed"
                )
            self._check_loop(loop)
            return given
        entry = self._loops.get(loop)
        if entry is None:
            with self._lock:
                if self.closed:
                    raise ClientClosedError(_SDK_CLOSED)
                entry = self._loops.get(loop)
                if entry is None:
                    self._forget_closed_loops()
                    entry = self._loops[loop] = self._new_loop_client(loop)
        return entry.client

    def _check_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if loop is None:
            return
        if self._given_async_loop is None:
            remember_missing_sniffio()
            self._given_async_loop = weakref.ref(loop)
        elif self._given_async_loop() is not loop:
            raise EventLoopMismatchError(
                "the httpx.AsyncClient passed as `async_client` was first used on another "
                "event loop, and its connections belong to that loop: create one client "
                "per event loop (or let the SDK create its own, one per loop)"
            )

    def _new_loop_client(self, loop: asyncio.AbstractEventLoop | None) -> _LoopClient:
        remember_missing_sniffio()
        client = skip_cookieless_responses(
            httpx.AsyncClient(timeout=self._timeout, limits=self._limits, headers=self._headers)
        )
        bounded = _bound(client)
        hook = None
        if loop is not None:
            hook = _close_with_loop(weakref.ref(self), loop)
            # Asking for the first step registers the generator with the running loop
            # (which closes it at shutdown); the step itself runs to the `yield` at once.
            first_step: Any = hook.asend(None)
            with contextlib.suppress(StopIteration):
                first_step.send(None)
        return _LoopClient(client, bounded, hook)

    def _forget_closed_loops(self) -> None:
        """Let go of clients whose loop closed without closing them (their sockets go with
        the garbage collector): nothing can run on a closed loop."""
        for loops in (self._loops, self._retired):
            for loop in [loop for loop in loops if loop is not None and loop.is_closed()]:
                del loops[loop]

    def borrowed(self) -> BorrowedClients:
        """The clients of a copy of the SDK: these, closed only by their owner."""
        return BorrowedClients(self)

    # -- facts about a client -------------------------------------------------------------

    def owns(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        return client is not self.given and client is not self.given_async

    def bounded(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        """Whether the client's transport bounds each attempt (see deadline.py)."""
        if client is self._sync:
            return self._sync_bounded
        return any(entry.client is client and entry.bounded for entry in self._loops.values())

    def current_sync(self) -> httpx.Client | None:
        return self.given or self._sync

    def current_async(self) -> httpx.AsyncClient | None:
        """The client async calls on the running loop use (else the latest made)."""
        if self.given_async is not None:
            return self.given_async
        entry = self._loops.get(_running_loop())
        if entry is None and self._loops:
            entry = list(self._loops.values())[-1]
        return entry.client if entry is not None else None

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the SDK's own clients: the sync one now; an async one now if its loop is
        running in this thread (scheduled) or another (submitted), else when its loop
        shuts down."""
        import asyncio

        with self._lock:
            self.closed = True
            sync, self._sync = self._sync, None
            entries = list(self._loops.items())
            self._retired.update(self._loops)
            self._loops.clear()
        if sync is not None:
            sync.close()
        running = _running_loop()
        for loop, entry in entries:
            if loop is None or entry.hook is None:
                continue  # not an asyncio loop: only `await aclose()` can close it
            if loop is running:
                task = loop.create_task(_finish(entry.hook))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
            elif loop.is_running():
                asyncio.run_coroutine_threadsafe(_finish(entry.hook), loop)

    async def aclose(self) -> None:
        """Close the SDK's own clients, awaiting the one of the running loop."""
        loop = _running_loop()
        with self._lock:
            self.closed = True
            entry = self._loops.get(loop) or self._retired.get(loop)
        if entry is not None:
            if entry.hook is not None:
                await entry.hook.aclose()
            else:
                await self._closed_with(loop)
        self.close()

    async def _closed_with(self, loop: asyncio.AbstractEventLoop | None) -> None:
        with self._lock:
            entry = self._loops.pop(loop, None) or self._retired.pop(loop, None)
        if entry is not None:
            await entry.client.aclose()

    def _forget_inherited(self) -> None:
        """In a forked child: the parent's clients are left alone, new ones made on use."""
        for entry in (*self._loops.values(), *self._retired.values()):
            if entry.hook is not None:
                _INHERITED.append(entry.hook)
        self._lock = threading.Lock()  # another thread may have held it during the fork
        self._sync = None
        self._loops = {}
        self._retired = {}
        self._closing = set()


class BorrowedClients:
    """The clients of a copy made by `with_options`: its original's, so the connection
    pools are shared. Closing the copy ends the copy only (its later calls raise
    `ClientClosedError`); the original's `close()` closes the clients, for every copy.

    Not a reference count: copies are often made per call and dropped without closing,
    and the original's `close()` must still release every socket.
    """

    def __init__(self, owner: HTTPClients) -> None:
        self._owner = owner
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed or self._owner.closed

    def sync(self) -> httpx.Client:
        if self._closed:
            raise ClientClosedError(_COPY_CLOSED)
        return self._owner.sync()

    def for_running_loop(self) -> httpx.AsyncClient:
        if self._closed:
            raise ClientClosedError(_COPY_CLOSED)
        return self._owner.for_running_loop()

    def borrowed(self) -> BorrowedClients:
        return BorrowedClients(self._owner)

    def owns(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        return self._owner.owns(client)

    def bounded(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        return self._owner.bounded(client)

    def current_sync(self) -> httpx.Client | None:
        return self._owner.current_sync()

    def current_async(self) -> httpx.AsyncClient | None:
        return self._owner.current_async()

    def close(self) -> None:
        self._closed = True

    async def aclose(self) -> None:
        self._closed = True


def stale_loop_error(error: Exception) -> EventLoopMismatchError | None:
    """What asyncio raises when a pooled connection of a loop that has since closed is
    used (`RuntimeError("Event loop is closed")`, the request written but its answer
    unreadable): the user's async client was used on another loop before the SDK saw it
    (the SDK's own clients are per loop)."""
    if type(error) is RuntimeError and str(error) == "Event loop is closed":
        return EventLoopMismatchError(
            "the httpx.AsyncClient passed as `async_client` holds connections opened on an "
            "event loop that is now closed (it was used on another event loop before): "
            "create one client per event loop (or let the SDK create its own, one per loop)"
        )
    return None


def _bound(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Install the whole-attempt deadline (deadline.py) on each transport of one of the
    SDK's clients: its own, and one per proxy of the environment (`HTTPS_PROXY`, ...,
    which httpx reads only for a client made without a transport). False if any refused.
    """
    transports = [getattr(client, "_transport", None)]
    transports += [t for t in getattr(client, "_mounts", {}).values() if t is not None]
    installed = [t is not None and deadline.install(t) for t in transports]  # each one
    return all(installed)


async def _close_with_loop(
    clients: weakref.ref[HTTPClients], loop: asyncio.AbstractEventLoop
) -> AsyncGenerator[None, None]:
    """Suspended until the loop shuts down its async generators (or the SDK closes this
    loop's client): then closes the SDK's client for `loop`, on `loop`."""
    try:
        yield
    finally:
        owner = clients()
        if owner is not None:
            await owner._closed_with(loop)


async def _finish(hook: Any) -> None:
    """Close a loop's hook (and so its client) in a task of that loop."""
    await hook.aclose()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop, if asyncio is in use at all (None under trio)."""
    module = sys.modules.get("asyncio")
    if module is None:
        return None
    try:
        loop: asyncio.AbstractEventLoop = module.get_running_loop()
    except RuntimeError:
        return None
    return loop


#: Every live instance, for the fork handler.
_ALL: weakref.WeakSet[HTTPClients] = weakref.WeakSet()
#: Closes of dropped SDKs' async clients, held until done (a loop keeps tasks weakly).
_CLOSING_AT_COLLECTION: set[Any] = set()
#: In a forked child, the parent's loop hooks: kept, so that no finalizer runs them.
_INHERITED: list[Any] = []


def _after_fork_in_child() -> None:
    for clients in list(_ALL):
        clients._forget_inherited()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
