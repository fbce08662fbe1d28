"""One benchmark workload, run in a fresh interpreter: `python -I worker.py key=value ...`.

It runs in whichever environment holds the client under test (this SDK's `.venv`, a
virtualenv with atoma-sdk 0.1.3, one with openai), so it is a standalone script that
needs only the standard library and that client. It prints one JSON object on stdout.

Nothing is imported at module level beyond what the interpreter has already loaded, so
the `import` workload times the client's import and nothing of ours.

Arguments (all `key=value`):
    client      httpx | atoma | openai | none   (`atoma` is whichever atoma-sdk is installed);
                httpx-pydantic: raw httpx parsing responses with a pydantic model (the
                memory floor of any client built on pydantic)
    workload    import | sync | async | memory | sse | baseline | inmemory
    url         base URL of the benchmark server
    calls       calls (memory), or at most that many timed calls (sync)
    seconds     length of the timed section (sync, async)
    warmup      untimed calls first (sync; async: at most, and at most `seconds` long)
    concurrency tasks in flight (async)
    variant     how the async client is built (see `_async_httpx_client`; `sdk-aiohttp`:
                the client's own aiohttp option, `DefaultAioHttpClient` of this SDK or
                openai); or, for sse, which parser to time (see `SSE_PARSERS`)
    mode        inmemory: `sync` (default) or `async` calls
    min_cpu_s, streams   for sse: time streams until this much CPU, at most this many
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Iterator
    from typing import Any

#: This SDK's server-sent events decoder, as "module:Class": a class whose instances take
#: `feed(chunk: bytes) -> list[event]` per network chunk and `end()` after the last (the
#: decoder under the SDK's `EventStream`). When it cannot be imported, the SDK's SSE row
#: reads "not yet available"; pointing this at another parser is the one line to change.
SDK_SSE_DECODER: str | None = "atoma_sdk._runtime.sse:SSEDecoder"

MODEL = "black-forest-labs/FLUX.1-schnell"
PROMPT = "A cute baby sea otter"
SIZE = "1024x1024"
#: What every client sends: the same four fields.
BODY = {"model": MODEL, "prompt": PROMPT, "n": 1, "size": SIZE}
PATH = "/v1/images/generations"
HEADERS = {"Authorization": "Bearer t", "Content-Type": "application/json"}
TOKEN = "t"


# -- clients under test ----------------------------------------------------------------


def _http_module() -> Any:
    """httpx, or the `httpx2` fork where that is what the environment has (openai 3)."""
    import importlib

    try:
        return importlib.import_module("httpx")
    except ImportError:
        return importlib.import_module("httpx2")


def construct(client: str, url: str) -> Any:
    """Import the client's package and build its client object (what `import` times)."""
    if client == "httpx":
        import httpx

        return httpx.Client()
    if client == "atoma":
        from atoma_sdk import AtomaSDK

        return AtomaSDK(bearer_auth=TOKEN, server_url=url)
    if client == "openai":
        import importlib

        openai = importlib.import_module("openai")
        return openai.OpenAI(api_key=TOKEN, base_url=url + "/v1")
    if client == "httpx-pydantic":
        import httpx

        return httpx.Client()
    raise SystemExit(f"unknown client {client!r}")


def _pydantic_response_model() -> Any:
    """The response as two small pydantic models: what any pydantic-based client loads."""
    from pydantic import BaseModel

    class ImageData(BaseModel):
        url: str | None = None
        revised_prompt: str | None = None

    class CreateImageResponse(BaseModel):
        created: int
        data: list[ImageData]

    return CreateImageResponse


def sync_call(client: str, obj: Any, url: str) -> Callable[[], object]:
    """One image generation with `obj` from `construct`, response parsed."""
    if client in ("httpx", "httpx-pydantic"):
        import json

        endpoint = url + PATH
        parse = (
            _pydantic_response_model().model_validate_json
            if client == "httpx-pydantic"
            else json.loads
        )

        def call() -> object:
            response = obj.post(endpoint, content=json.dumps(BODY), headers=HEADERS)
            return parse(response.content)

        return call
    images = obj.images  # the same call in atoma-sdk (0.1.3 and this SDK) and openai
    return lambda: images.generate(model=MODEL, prompt=PROMPT, n=1, size=SIZE)


def _async_httpx_client(variant: str, concurrency: int) -> Any:
    """An `httpx.AsyncClient` built as the saturation study's `variant` says."""
    httpx = _http_module()
    big = httpx.Limits(max_connections=None, max_keepalive_connections=max(concurrency, 100))
    if variant in ("default", "plain"):  # "plain": httpx's defaults, even for an SDK
        return httpx.AsyncClient()
    if variant == "limits":
        return httpx.AsyncClient(limits=big)
    if variant == "transport":
        transport = httpx.AsyncHTTPTransport(limits=big, http1=True, http2=False, retries=0)
        return httpx.AsyncClient(transport=transport)
    if variant == "sharded":
        return httpx.AsyncClient(transport=_sharded_transport(httpx, concurrency, shards=4))
    if variant == "sdk-aiohttp":  # the SDK's opt-in backend, as a user would build it
        from atoma_sdk import DefaultAioHttpClient

        return DefaultAioHttpClient()
    if variant == "aiohttp":
        import importlib

        httpx_aiohttp = importlib.import_module("httpx_aiohttp")
        return httpx.AsyncClient(transport=httpx_aiohttp.AiohttpTransport(limits=big))
    raise SystemExit(f"unknown variant {variant!r}")


def _sharded_transport(httpx: Any, concurrency: int, shards: int) -> Any:
    """Requests spread round-robin over `shards` independent httpcore pools.

    httpcore re-examines every connection and queued request of a pool on each request
    and response, so one pool's cost per request grows with its size; several small
    pools keep that scan short.
    """
    per_shard = max(-(-concurrency // shards), 25)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=per_shard)
    pools = [httpx.AsyncHTTPTransport(limits=limits) for _ in range(shards)]

    class ShardedTransport(httpx.AsyncBaseTransport):  # type: ignore[misc]
        def __init__(self) -> None:
            self._next = 0

        async def handle_async_request(self, request: Any) -> Any:
            self._next = (self._next + 1) % shards
            return await pools[self._next].handle_async_request(request)

        async def aclose(self) -> None:
            for pool in pools:
                await pool.aclose()

    return ShardedTransport()


def async_client(
    client: str, url: str, variant: str, concurrency: int
) -> tuple[Callable[[], Awaitable[object]], Callable[[], Awaitable[None]]]:
    """One async image generation, and how to close what it uses."""
    if client == "httpx":
        import json

        http = _async_httpx_client(variant, concurrency)
        endpoint = url + PATH

        async def call() -> object:
            response = await http.post(endpoint, content=json.dumps(BODY), headers=HEADERS)
            return json.loads(response.content)

        return call, http.aclose
    if client == "atoma":
        from atoma_sdk import AtomaSDK

        given = None if variant == "default" else _async_httpx_client(variant, concurrency)
        sdk = AtomaSDK(bearer_auth=TOKEN, server_url=url, async_client=given)
        images = sdk.images

        async def close() -> None:
            aclose = getattr(sdk, "aclose", None)  # 0.1.3 has none
            if aclose is not None:
                await aclose()
            if given is not None:
                await given.aclose()

        return lambda: images.generate_async(model=MODEL, prompt=PROMPT, n=1, size=SIZE), close
    if client == "openai":
        import importlib

        openai = importlib.import_module("openai")
        if variant == "sdk-aiohttp":  # openai's own aiohttp option (`openai[aiohttp]`)
            given = openai.DefaultAioHttpClient()
        elif variant == "default":
            given = None
        else:
            given = _async_httpx_client(variant, concurrency)
        kwargs = {} if given is None else {"http_client": given}
        oa = openai.AsyncOpenAI(api_key=TOKEN, base_url=url + "/v1", **kwargs)
        oa_images = oa.images
        return lambda: oa_images.generate(model=MODEL, prompt=PROMPT, n=1, size=SIZE), oa.close
    raise SystemExit(f"unknown client {client!r}")


# -- measuring helpers -------------------------------------------------------------------


class ServerMeter:
    """The server's CPU time and counters, read over its `/_stats` endpoint."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._start = self._read()
        self._started = time.perf_counter()

    def _read(self) -> dict[str, float]:
        import json
        import socket

        with socket.create_connection(self._address) as sock:
            sock.sendall(b"GET /_stats HTTP/1.1\r\nhost: bench\r\nconnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        stats: dict[str, float] = json.loads(data.split(b"\r\n\r\n", 1)[1])
        return stats

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._started
        end = self._read()
        return {
            "server_cpu_share": (end["cpu_s"] - self._start["cpu_s"]) / wall,
            # minus the connection that read the starting numbers
            "connections_opened": end["connections"] - self._start["connections"] - 1,
        }


def _peak_rss_mb() -> float:
    """This process's peak resident memory, in MiB.

    Linux's `ru_maxrss` carries the parent's peak over `fork` + `exec` (the benchmark's
    own process would set the floor), so the peak of this process's own address space,
    `VmHWM`, is read instead where there is one.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def _mark(what: str) -> None:
    sys.stderr.write(f"bench: measured {what}\n")
    sys.stderr.flush()


def _stack() -> dict[str, Any]:
    """Versions of what is under the client, and whether `sniffio` is importable."""
    import contextlib
    from importlib import metadata, util

    versions: dict[str, Any] = {"python": sys.version.split()[0]}
    for name in ("atoma-sdk", "openai", "httpx", "httpx2", "httpcore", "httpcore2", "anyio"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    versions["sniffio"] = util.find_spec("sniffio") is not None
    return versions


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if close is not None:
        close()


# -- workloads ---------------------------------------------------------------------------


def run_import(args: dict[str, str]) -> dict[str, Any]:
    """Import + construct, then the first call (which may import what was deferred)."""
    client, url = args["client"], args["url"]
    _mark("start")  # brackets the measured part of `python -X importtime`'s output
    started = time.perf_counter()
    obj = construct(client, url)
    constructed = time.perf_counter()
    sync_call(client, obj, url)()
    answered = time.perf_counter()
    _mark("end")
    _close(obj)
    return {
        "import_construct_ms": (constructed - started) * 1000,
        "first_call_ms": (answered - started) * 1000,
    }


def run_sync(args: dict[str, str]) -> dict[str, Any]:
    """CPU and wall time per call: `calls` calls, or fewer once `seconds` have passed."""
    client, url = args["client"], args["url"]
    calls, warmup, seconds = int(args["calls"]), int(args["warmup"]), float(args["seconds"])
    obj = construct(client, url)
    call = sync_call(client, obj, url)
    for _ in range(warmup):
        call()
    wall: list[float] = []
    clock = time.perf_counter
    meter = ServerMeter(url)
    cpu_started = time.process_time()
    deadline = clock() + seconds
    for done in range(calls):
        t0 = clock()
        call()
        t1 = clock()
        wall.append(t1 - t0)
        if t1 > deadline and done >= 200:
            break
    cpu = time.process_time() - cpu_started
    server = meter.stop()
    _close(obj)
    wall.sort()
    return {
        "calls": len(wall),
        "cpu_us_per_call": cpu / len(wall) * 1e6,
        "latency_us_p50": _median(wall) * 1e6,
        "latency_us_p99": wall[int(len(wall) * 0.99)] * 1e6,
        **server,
    }


def run_async(args: dict[str, str]) -> dict[str, Any]:
    """Throughput with `concurrency` tasks calling back to back for `seconds`."""
    import asyncio

    client, url, variant = args["client"], args["url"], args.get("variant", "default")
    use_uvloop = variant == "uvloop"  # the default client, on uvloop's event loop
    if use_uvloop:
        variant = "default"
    concurrency, seconds = int(args["concurrency"]), float(args["seconds"])
    warmup = max(int(args["warmup"]), 2 * concurrency)

    async def drive(call: Callable[[], Awaitable[object]], calls: int, until: float) -> int:
        """Every task makes one call (so the pool opens its connections), then they go on
        until `calls` calls (0: no limit) or the clock passes `until`; returns the count."""
        done = 0
        clock = time.perf_counter

        async def worker() -> None:
            nonlocal done
            done += 1
            await call()
            while (not calls or done < calls) and clock() < until:
                done += 1
                await call()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done

    async def main() -> dict[str, Any]:
        call, close = async_client(client, url, variant, concurrency)
        await drive(call, warmup, time.perf_counter() + seconds)
        meter = ServerMeter(url)
        cpu_started = time.process_time()
        wall_started = time.perf_counter()
        calls = await drive(call, 0, wall_started + seconds)
        wall = time.perf_counter() - wall_started
        cpu = time.process_time() - cpu_started
        server = meter.stop()
        await close()
        return {
            "calls": calls,
            "calls_per_s": calls / wall,
            "cpu_us_per_call": cpu / calls * 1e6,
            "client_cpu_share": cpu / wall,
            **server,
        }

    if use_uvloop:
        import importlib

        result: dict[str, Any] = importlib.import_module("uvloop").run(main())
        return result
    return asyncio.run(main())


def run_memory(args: dict[str, str]) -> dict[str, Any]:
    """Peak RSS of a process that imported the client and made `calls` calls."""
    client, url, calls = args["client"], args["url"], int(args["calls"])
    obj = construct(client, url)
    call = sync_call(client, obj, url)
    for _ in range(calls):
        call()
    return {"peak_rss_mb": _peak_rss_mb()}


def run_baseline(args: dict[str, str]) -> dict[str, Any]:
    """Peak RSS of an interpreter that did nothing: the floor under every client."""
    return {"peak_rss_mb": _peak_rss_mb()}


# -- server-sent events ------------------------------------------------------------------


def _sse_iter_lines(response: Any) -> Iterable[object]:
    """The floor: split the body into lines with httpx, nothing else."""
    return response.iter_lines()  # type: ignore[no-any-return]


def _sse_reference(response: Any) -> Iterator[object]:
    """A minimal spec-following parser over `iter_lines()`: what parsing must add.

    Handles `data` (joined across lines), `event`, `id`, `retry` and comments, and
    dispatches an event at each blank line. Not the SDK's code: a yardstick for it.
    """
    data: list[str] = []
    event = ""
    last_id = ""
    for line in response.iter_lines():
        if not line:
            if data:
                yield (event or "message", "\n".join(data), last_id)
                data = []
            event = ""
            continue
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id" and "\0" not in value:
            last_id = value
        # `retry` and comments (empty name) need no work here
    # an event not ended by a blank line is discarded, as the format says


def _sse_reference_blocks(response: Any) -> Iterator[object]:
    """A spec-following parser with a fast path: split decoded text into blocks at blank
    lines; a block that is one `data: ...` line (nearly every event) costs one check and
    one slice; any other block goes through the line-by-line rules. Not the SDK's code."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    last_id = ""
    for chunk in response.iter_bytes():
        text = pending + decoder.decode(chunk)
        held_cr = False
        if "\r" in text:  # normalise CRLF and CR; a final CR may be half of a CRLF
            held_cr = text.endswith("\r")
            text = text[:-1] if held_cr else text
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        blocks = text.split("\n\n")
        pending = blocks.pop() + ("\r" if held_cr else "")
        for block in blocks:
            if block.startswith("data: ") and "\n" not in block:
                yield ("message", block[6:], last_id)
                continue
            data: list[str] = []
            event = ""
            for line in block.split("\n"):
                if not line:  # a blank line inside the block: dispatch
                    if data:
                        yield (event or "message", "\n".join(data), last_id)
                    data, event = [], ""
                    continue
                name, _, value = line.partition(":")
                if value[:1] == " ":
                    value = value[1:]
                if name == "data":
                    data.append(value)
                elif name == "event":
                    event = value
                elif name == "id" and "\0" not in value:
                    last_id = value
            if data:
                yield (event or "message", "\n".join(data), last_id)
    # an event not ended by a blank line is discarded, as the format says


def _sdk_sse_decoder() -> Any:
    """The class `SDK_SSE_DECODER` names, or None when this SDK has none (yet)."""
    import importlib

    if SDK_SSE_DECODER is None:
        return None
    module, _, name = SDK_SSE_DECODER.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _sse_sdk(response: Any) -> Iterator[object]:
    """This SDK's decoder over the raw bytes, as its `EventStream` drives it (without
    parsing each event's JSON into a model: that is not SSE parsing)."""
    decoder = _sdk_sse_decoder()()
    for chunk in response.iter_bytes():
        yield from decoder.feed(chunk)
    decoder.end()


def _sse_atoma013(response: Any) -> Iterable[object]:
    """atoma-sdk 0.1.3's generated `stream_events`, as its chat methods call it."""
    import importlib

    eventstreaming = importlib.import_module("atoma_sdk.utils.eventstreaming")
    return eventstreaming.stream_events(response, lambda raw: raw, "[DONE]")  # type: ignore[no-any-return]


def _sse_openai(response: Any) -> Iterable[object]:
    """openai's `SSEDecoder` over the raw bytes, as its `Stream` does."""
    import importlib

    streaming = importlib.import_module("openai._streaming")
    return streaming.SSEDecoder().iter_bytes(response.iter_bytes())  # type: ignore[no-any-return]


SSE_PARSERS: dict[str, Callable[[Any], Iterable[object]]] = {
    "iter_lines": _sse_iter_lines,
    "reference": _sse_reference,
    "reference_blocks": _sse_reference_blocks,
    "sdk": _sse_sdk,
    "atoma013": _sse_atoma013,
    "openai": _sse_openai,
}


def run_sse(args: dict[str, str]) -> dict[str, Any]:
    """CPU per stream of reading and parsing the server's whole `/sse` body."""
    url, variant = args["url"], args["variant"]
    if variant == "sdk" and _sdk_sse_decoder() is None:
        return {"available": False, "note": f"this SDK has no {SDK_SSE_DECODER} yet"}
    parser = SSE_PARSERS[variant]
    http = _http_module().Client()

    def one_stream() -> tuple[int, int]:
        with http.stream("GET", url + "/sse") as response:
            items = 0
            for _ in parser(response):
                items += 1
            downloaded: int = response.num_bytes_downloaded
            return items, downloaded

    for _ in range(2):
        one_stream()
    streams = 0
    items = size = 0
    min_cpu, max_streams = float(args.get("min_cpu_s", "0.5")), int(args.get("streams", "50"))
    started = time.process_time()
    while streams < 3 or (time.process_time() - started < min_cpu and streams < max_streams):
        items, size = one_stream()
        streams += 1
    cpu = time.process_time() - started
    http.close()
    return {
        "available": True,
        "cpu_ms_per_stream": cpu / streams * 1000,
        "streams": streams,
        "items_per_stream": items,
        "bytes_per_stream": size,
    }


# -- instructions per call (run under valgrind by the runner) ----------------------------

#: What the in-memory network answers to every request: the benchmark server's response.
_CANNED_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 89\r\n\r\n"
    b'{"created":1700000000,"data":[{"url":"https://example.test/a.png","revised_prompt":"p"}]}'
)


def _use_in_memory_network() -> None:
    """Make every httpcore connection pool (sync and async) of this process talk to an
    in-memory peer that answers each request with `_CANNED_RESPONSE`: no sockets, no
    server, so the work counted is the client's alone, the same for every client in this
    environment."""
    import httpcore
    from httpcore._async import connection_pool as async_pool
    from httpcore._sync import connection_pool

    class Stream(httpcore.NetworkStream):
        def __init__(self) -> None:
            self._answer = False

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            answer, self._answer = self._answer, False
            return _CANNED_RESPONSE if answer else b""

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._answer = True  # the whole request arrives before the response is read

        def close(self) -> None:
            pass

        def get_extra_info(self, info: str) -> Any:
            return None

    class Backend(httpcore.NetworkBackend):
        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return Stream()

    class AsyncStream(httpcore.AsyncNetworkStream):
        def __init__(self) -> None:
            self._answer = False

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            answer, self._answer = self._answer, False
            return _CANNED_RESPONSE if answer else b""

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._answer = True

        async def aclose(self) -> None:
            pass

        def get_extra_info(self, info: str) -> Any:
            return None

    class AsyncBackend(httpcore.AsyncNetworkBackend):
        async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
            return AsyncStream()

    connection_pool.SyncBackend = Backend  # type: ignore[assignment,attr-defined]
    async_pool.AutoBackend = AsyncBackend  # type: ignore[assignment,attr-defined]


def run_inmemory(args: dict[str, str]) -> dict[str, Any]:
    """`calls` calls over the in-memory network, after `warmup` (sync, or one after the
    other on an event loop with `mode=async`): the runner counts the instructions of two
    such runs under valgrind and divides their difference."""
    client, calls, warmup = args["client"], int(args["calls"]), int(args["warmup"])
    _use_in_memory_network()
    url = "http://bench.invalid"
    if args.get("mode", "sync") == "sync":
        obj = construct(client, url)
        call = sync_call(client, obj, url)
        for _ in range(warmup + calls):
            call()
        return {"calls": calls}

    import asyncio

    async def main() -> None:
        call, close = async_client(client, url, args.get("variant", "default"), 1)
        for _ in range(warmup + calls):
            await call()
        await close()

    asyncio.run(main())
    return {"calls": calls}


WORKLOADS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "import": run_import,
    "sync": run_sync,
    "async": run_async,
    "memory": run_memory,
    "baseline": run_baseline,
    "sse": run_sse,
    "inmemory": run_inmemory,
}


def main(argv: list[str]) -> None:
    args = dict(arg.split("=", 1) for arg in argv)
    result = WORKLOADS[args["workload"]](args)
    import json

    result["stack"] = _stack()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
