"""JSON Lines responses (specs/jsonl_openapi30.yml, jsonl_openapi31.yml, jsonl_openapi32.yml):
typed streams of one item a line, as server-sent events are.

The item type comes from OpenAPI 3.2's `itemSchema`, else the `items` of an array `schema`
(3.0), else the `schema` itself (3.1), else `Any`. The packages are generated, imported
and type-checked with `mypy --strict` (with user code iterating the streams); each method
is called against respx or an `httpx.MockTransport`: the request on the wire, the exact
items, the exact exceptions for a bad line, a line over the cap, a cut body and an error
line, and the connection closed when the loop ends or is left.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx
from shared import FakeClock
from test_corpus import Corpus, generated_corpus

SPECS = {
    "jsonl_openapi30": ("corpus_jsonl30", "JobsCorpusSDK"),
    "jsonl_openapi31": ("corpus_jsonl31", "ExportCorpusSDK"),
    "jsonl_openapi32": ("corpus_jsonl32", "BatchCorpusSDK"),
}

#: User code type-checked with the packages: items are typed, sync and async.
USAGE = {
    "jsonl_openapi30": """
        from corpus_jsonl30 import JobsCorpusSDK, models
        from corpus_jsonl30.utils import AsyncEventStream, EventStream


        def use(sdk: JobsCorpusSDK) -> list[int]:
            stream: EventStream[models.LogRecord] = sdk.logs.follow(job_id="j", since=1)
            with stream:
                seqs = [record.seq for record in stream]
            status: models.PullStatus = sdk.models.pull(name="m")
            for progress in sdk.models.pull_stream(name=status.status):
                seqs.append(progress.completed or 0)
            return seqs


        def streaming_guide(sdk: JobsCorpusSDK) -> None:  # docs/guides/streaming.md
            with sdk.logs.follow(job_id="j1") as stream:
                for record in stream:
                    print(record.seq, record.message)


        async def use_async(sdk: JobsCorpusSDK) -> list[str]:
            stream: AsyncEventStream[models.LogRecord] = await sdk.logs.follow_async(job_id="j")
            async with stream:
                return [record.message async for record in stream]
    """,
    "jsonl_openapi31": """
        from typing import Any, Optional

        from corpus_jsonl31 import ExportCorpusSDK, models


        def use(sdk: ExportCorpusSDK) -> list[Optional[int]]:
            rows: list[models.Row] = list(sdk.rows.list(export_id="e"))
            anything: list[Any] = list(sdk.rows.raw_get(export_id="e"))
            return [stat.value for stat in sdk.stats.get(export_id="e")] + [len(rows + anything)]
    """,
    "jsonl_openapi32": """
        from corpus_jsonl32 import BatchCorpusSDK, models


        def use(sdk: BatchCorpusSDK) -> list[str]:
            done = [item.done for item in sdk.batches.progress_stream(batch_id="b")]
            ids = [result.custom_id for result in sdk.batches.output(batch_id="b")]
            now: models.BatchResult = sdk.batches.progress(batch_id="b")
            return ids + [now.custom_id] + [str(d) for d in done]
    """,
}

JOBS = "https://jobs.test/v1"
NDJSON = {"content-type": "application/x-ndjson"}
RECORDS = [
    {"seq": 1, "level": "info", "message": "starting"},
    {"seq": 2, "message": "working"},
    {"seq": 3, "level": "warn", "message": "done"},
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_jsonl"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def jobs(corpus: Corpus) -> ModuleType:
    return corpus.load("jsonl_openapi30")


@pytest.fixture(scope="module")
def export(corpus: Corpus) -> ModuleType:
    return corpus.load("jsonl_openapi31")


@pytest.fixture(scope="module")
def batch(corpus: Corpus) -> ModuleType:
    return corpus.load("jsonl_openapi32")


def lines(*values: Any) -> bytes:
    return b"".join(json.dumps(value).encode() + b"\n" for value in values)


def sdk_of(package: ModuleType, **options: Any) -> Any:
    options.setdefault("retry_config", None)
    name = next(cls for pkg, cls in SPECS.values() if pkg == package.__name__)
    return getattr(package, name)(**options)


async def follow(sdk: Any, is_async: bool, **kwargs: Any) -> tuple[list[Any], Any]:
    """`logs.follow` run to its end: the items received, and the stream."""
    if is_async:
        stream = await sdk.logs.follow_async(job_id="j1", **kwargs)
        async with stream:
            return [item async for item in stream], stream
    with sdk.logs.follow(job_id="j1", **kwargs) as stream:
        return list(stream), stream


async def follow_until_error(
    sdk: Any, is_async: bool, **kwargs: Any
) -> tuple[list[Any], BaseException]:
    """`logs.follow` until it raises: the items received before, and the exception."""
    received: list[Any] = []
    with pytest.raises(Exception) as raised:
        if is_async:
            async with await sdk.logs.follow_async(job_id="j1", **kwargs) as stream:
                async for item in stream:
                    received.append(item)
        else:
            with sdk.logs.follow(job_id="j1", **kwargs) as sync_stream:
                for item in sync_stream:
                    received.append(item)
    return received, raised.value


def test_no_warnings(corpus: Corpus) -> None:
    assert {stem: corpus.generated[stem].warnings for stem in SPECS} == {stem: [] for stem in SPECS}


def test_mypy_strict(corpus: Corpus) -> None:
    assert [line for stem in SPECS for line in corpus.mypy_errors(f"{stem}/")] == []


# -- 3.0: `schema: {type: array, items: ...}` -----------------------------------------------


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_items_of_an_array_schema(jobs: ModuleType, is_async: bool) -> None:
    """CRLF line ends, blank lines, a byte order mark and a last line without a newline."""
    body = b"\xef\xbb\xbf" + lines(RECORDS[0]).replace(b"\n", b"\r\n") + b"\n  \n"
    body += lines(RECORDS[1]) + json.dumps(RECORDS[2]).encode()
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            route = router.get("/jobs/j1/logs").respond(200, content=body, headers=NDJSON)
            items, stream = await follow(sdk, is_async, since=5)
    request = route.calls.last.request
    assert str(request.url) == "https://jobs.test/v1/jobs/j1/logs?since=5"
    assert request.headers["accept"] == "application/x-ndjson"
    assert isinstance(stream, jobs.utils.AsyncEventStream if is_async else jobs.utils.EventStream)
    assert [type(item) for item in items] == [jobs.models.LogRecord] * 3
    assert [item.model_dump(exclude_none=True) for item in items] == RECORDS
    assert items[0].level is jobs.models.LogRecordLevel.INFO
    assert stream.response.is_closed


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_line_that_is_not_json(jobs: ModuleType, is_async: bool) -> None:
    body = lines(*RECORDS[:2]) + b"\n{not json}\n" + lines(RECORDS[2])
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            router.get("/jobs/j1/logs").respond(200, content=body, headers=NDJSON)
            items, error = await follow_until_error(sdk, is_async)
    assert [item.seq for item in items] == [1, 2]  # the items before it arrive
    assert type(error) is jobs.models.ResponseValidationError
    assert str(error).startswith("Line 4 of the JSON Lines stream is not JSON: ")
    assert (error.status_code, error.body) == (200, "{not json}")
    assert error.details[0]["type"] == "json_invalid"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_line_of_the_wrong_shape(jobs: ModuleType, is_async: bool) -> None:
    body = lines(RECORDS[0], {"seq": "two"})
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            router.get("/jobs/j1/logs").respond(200, content=body, headers=NDJSON)
            items, error = await follow_until_error(sdk, is_async)
    assert [item.seq for item in items] == [1]
    assert type(error) is jobs.models.ResponseValidationError
    assert str(error).startswith("Line 2 of the JSON Lines stream does not match the expected")
    assert error.body == '{"seq": "two"}'
    assert {d["loc"][0] for d in error.details} == {"seq", "message"}


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_line_over_the_cap(jobs: ModuleType, is_async: bool) -> None:
    """`max_response_bytes` bounds each line, not the whole stream."""
    long = {"seq": 9, "message": "x" * 100}
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            router.get("/jobs/j1/logs").respond(200, content=lines(*RECORDS) * 20, headers=NDJSON)
            items, _ = await follow(sdk, is_async, max_response_bytes=64)
            router.get("/jobs/j1/logs").respond(
                200, content=lines(RECORDS[0], long), headers=NDJSON
            )
            received, error = await follow_until_error(sdk, is_async, max_response_bytes=64)
    assert len(items) == 60
    assert [item.seq for item in received] == [1]  # the items before it arrive
    assert type(error) is jobs.models.ResponseTooLargeError
    assert (str(error), error.limit) == ("A JSON Lines line is longer than 64 bytes", 64)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_body_ending_inside_a_line(jobs: ModuleType, is_async: bool) -> None:
    """A complete body whose last line is cut short: an APIConnectionError that is also
    httpx's RemoteProtocolError, as a connection lost mid-stream."""
    body = lines(*RECORDS[:2]) + b'{"seq": 3, "mess'
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            router.get("/jobs/j1/logs").respond(200, content=body, headers=NDJSON)
            items, error = await follow_until_error(sdk, is_async)
    assert [item.seq for item in items] == [1, 2]
    assert isinstance(error, jobs.models.APIConnectionError)
    assert isinstance(error, httpx.RemoteProtocolError)
    assert "ended in the middle of line 3" in str(error)


def test_a_last_line_that_is_no_json_start_is_not_json(jobs: ModuleType) -> None:
    """Text that cannot begin a JSON value (a proxy's page) was not cut short: it is no
    JSON, whether a newline ends it or not."""
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        router.get("/jobs/j1/logs").respond(
            200, content=b"<html>Bad gateway</html>", headers={"content-type": "text/html"}
        )
        with pytest.raises(jobs.models.ResponseValidationError) as raised:
            list(sdk.logs.follow(job_id="j1"))
    assert str(raised.value).startswith("Line 1 of the JSON Lines stream is not JSON: ")
    assert raised.value.body == "<html>Bad gateway</html>"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_an_error_line_raises_the_api_error(jobs: ModuleType, is_async: bool) -> None:
    """A line `{"error": ...}` that is not an item: the APIError for its status."""
    failure = {"error": {"message": "slow down", "code": 429}}
    async with sdk_of(jobs) as sdk:
        with respx.mock(base_url=JOBS) as router:
            router.get("/jobs/j1/logs").respond(
                200, content=lines(RECORDS[0], failure), headers=NDJSON
            )
            items, error = await follow_until_error(sdk, is_async)
    assert [item.seq for item in items] == [1]
    assert type(error) is jobs.models.RateLimitError
    assert (error.status_code, error.message) == (429, "slow down")
    assert json.loads(error.body) == failure


def test_a_compressed_stream_is_capped_per_decompressed_line(jobs: ModuleType) -> None:
    """gzip on the wire: the lines as sent; the cap counts a line's decompressed bytes
    (a 1 MB line compresses to about 1 kB)."""
    body = lines(*RECORDS) + lines({"seq": 4, "message": "x" * 1_000_000})
    compressed = gzip.compress(body)
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        router.get("/jobs/j1/logs").respond(
            200, content=compressed, headers={**NDJSON, "content-encoding": "gzip"}
        )
        received = []
        with pytest.raises(jobs.models.ResponseTooLargeError):
            for item in sdk.logs.follow(job_id="j1", max_response_bytes=100_000):
                received.append(item.seq)
        everything = list(sdk.logs.follow(job_id="j1"))
    assert len(compressed) < 5_000
    assert received == [1, 2, 3]
    assert [(item.seq, len(item.message)) for item in everything][-1] == (4, 1_000_000)


def test_an_error_before_the_stream_is_raised_by_the_call(jobs: ModuleType) -> None:
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        router.get("/jobs/j1/logs").respond(404, json={"title": "no such job"})
        with pytest.raises(jobs.models.ProblemError) as raised:
            sdk.logs.follow(job_id="j1")
    assert raised.value.data.title == "no such job"


def test_retries_before_the_first_item_only(jobs: ModuleType) -> None:
    """A 503 is retried (the stream has not started); a connection lost after an item is
    not: the error reaches the loop, after one request."""
    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(200, content=lines(*RECORDS), headers=NDJSON),
            httpx.Response(200, content=dropped(lines(RECORDS[0])), headers=NDJSON),
        ]
    )
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(answers)

    client = httpx.Client(transport=httpx.MockTransport(answer))
    with jobs.JobsCorpusSDK(server_url=JOBS, client=client) as sdk:  # the default retries
        sdk._core.clock = FakeClock()
        assert [item.seq for item in sdk.logs.follow(job_id="j1")] == [1, 2, 3]
        assert len(sent) == 2
        received = []
        with pytest.raises(jobs.models.APIConnectionError) as raised:
            for item in sdk.logs.follow(job_id="j1"):
                received.append(item.seq)
    client.close()
    assert (received, len(sent)) == ([1], 3)
    assert isinstance(raised.value, httpx.ReadError)


def dropped(first: bytes) -> Iterator[bytes]:
    """A body that sends `first`, then loses its connection."""
    yield first
    raise httpx.ReadError("connection reset by peer")


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_leaving_the_loop_closes_the_connection(jobs: ModuleType, is_async: bool) -> None:
    chunks: list[bytes] = []

    async def endless_async() -> AsyncIterator[bytes]:
        for record in RECORDS * 1000:
            chunks.append(lines(record))
            yield chunks[-1]

    def endless() -> Iterator[bytes]:
        for record in RECORDS * 1000:
            chunks.append(lines(record))
            yield chunks[-1]

    def answer(request: httpx.Request) -> httpx.Response:
        content = endless_async() if is_async else endless()
        return httpx.Response(200, content=content, headers=NDJSON)

    transport = httpx.MockTransport(answer)
    if is_async:
        client = httpx.AsyncClient(transport=transport)
        async with sdk_of(jobs, server_url=JOBS, async_client=client) as sdk:
            stream = await sdk.logs.follow_async(job_id="j1")
            async with stream:
                async for item in stream:
                    if item.seq == 2:
                        break
        await client.aclose()
    else:
        sync_client = httpx.Client(transport=transport)
        with sdk_of(jobs, server_url=JOBS, client=sync_client) as sdk:
            stream = sdk.logs.follow(job_id="j1")
            for item in stream:
                if item.seq == 2:
                    break
        sync_client.close()
    assert stream.response.is_closed
    assert len(chunks) == 2  # nothing read past the item the loop stopped at


def test_json_and_json_lines_make_two_methods(jobs: ModuleType) -> None:
    """`pull` asks for JSON (`stream: false`: the flag defaults to true), `pull_stream`
    for JSON Lines (`stream: true`)."""
    statuses = [{"status": "pulling", "total": 10, "completed": 4}, {"status": "success"}]
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        route = router.post("/models/pull")
        route.respond(200, json=statuses[-1])
        last = sdk.models.pull(name="llama")
        plain = route.calls.last.request
        route.respond(200, content=lines(*statuses), headers=NDJSON)
        with sdk.models.pull_stream(name="llama") as stream:
            progress = list(stream)
        streamed = route.calls.last.request
    assert (json.loads(plain.content), plain.headers.get("accept")) == (
        {"name": "llama", "stream": False},
        "application/json",
    )
    assert json.loads(streamed.content) == {"name": "llama", "stream": True}
    assert streamed.headers["accept"] == "application/x-ndjson"
    assert last.status == "success"
    assert [type(p) for p in progress] == [jobs.models.PullStatus] * 2
    assert [(p.status, p.completed) for p in progress] == [("pulling", 4), ("success", None)]


def test_events_and_json_lines_offered_are_read_as_events(jobs: ModuleType) -> None:
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        route = router.get("/jobs/j1/events").respond(
            200,
            content=b'data: {"kind":"started"}\n\n',
            headers={"content-type": "text/event-stream"},
        )
        events = list(sdk.events.watch(job_id="j1"))
    assert route.calls.last.request.headers["accept"] == "text/event-stream"
    assert [(type(e), e.kind) for e in events] == [(jobs.models.JobEvent, "started")]


def test_raw_response_parses_into_the_stream(jobs: ModuleType) -> None:
    with respx.mock(base_url=JOBS) as router, sdk_of(jobs) as sdk:
        router.get("/jobs/j1/logs").respond(
            200, content=lines(*RECORDS), headers={**NDJSON, "x-request-id": "r1"}
        )
        raw = sdk.logs.with_raw_response.follow(job_id="j1")
        with raw.parse() as stream:
            seqs = [item.seq for item in stream]
    assert (raw.status_code, raw.request_id, seqs) == (200, "r1", [1, 2, 3])


# -- 3.1: `schema` describing one line --------------------------------------------------


def test_a_plain_object_schema_types_each_line(export: ModuleType) -> None:
    m = export.models
    stats = lines({"name": "rows", "value": 7}, {"name": "skipped", "value": None})
    anything = lines({"a": 1}, [1, 2], "text", 3.5, None, True)
    with respx.mock(base_url="https://export.test") as router, sdk_of(export) as sdk:
        rows_route = router.get("/exports/e1/rows").respond(
            200,
            content=lines({"id": 1, "cells": ["a", "b"]}, {"id": 2, "cells": []}),
            headers={"content-type": "application/jsonl"},
        )
        rows = list(sdk.rows.list(export_id="e1"))
        stats_route = router.get("/exports/e1/stats").respond(
            200, content=stats, headers={"content-type": "application/json-lines"}
        )
        counters = list(sdk.stats.get(export_id="e1"))
        router.get("/exports/e1/raw").respond(
            200, content=anything, headers={"content-type": "application/x-jsonlines"}
        )
        values = list(sdk.rows.raw_get(export_id="e1"))
    assert rows_route.calls.last.request.headers["accept"] == "application/jsonl"
    assert stats_route.calls.last.request.headers["accept"] == (
        "application/json-lines; charset=utf-8"
    )
    assert [(type(r), r.id, r.cells) for r in rows] == [(m.Row, 1, ["a", "b"]), (m.Row, 2, [])]
    assert [(type(c), c.name, c.value) for c in counters] == [
        (m.GetItem, "rows", 7),
        (m.GetItem, "skipped", None),
    ]
    assert values == [{"a": 1}, [1, 2], "text", 3.5, None, True]


def test_an_error_object_is_an_item_of_an_untyped_stream(export: ModuleType) -> None:
    """Only a line that is not an item is read as an error: untyped lines are all items."""
    with respx.mock(base_url="https://export.test") as router, sdk_of(export) as sdk:
        router.get("/exports/e1/raw").respond(
            200, content=lines({"error": "not mine"}), headers={"content-type": "application/jsonl"}
        )
        assert list(sdk.rows.raw_get(export_id="e1")) == [{"error": "not mine"}]


# -- 3.2: `itemSchema` ------------------------------------------------------------------


async def test_item_schema_types_each_line(batch: ModuleType) -> None:
    m = batch.models
    results = [
        {"custom_id": "r1", "response": {"status_code": 200}, "error": None},
        {"custom_id": "r2", "error": "timeout"},
    ]
    async with sdk_of(batch) as sdk:
        with respx.mock(base_url="https://batch.test") as router:
            router.get("/batches/b1/output").respond(
                200, content=lines(*results), headers={"content-type": "application/jsonl"}
            )
            async with await sdk.batches.output_async(batch_id="b1") as stream:
                output = [result async for result in stream]
            progress_route = router.get("/batches/b1/progress")
            progress_route.respond(
                200,
                content=lines({"done": 1, "total": 2}, {"done": 2, "total": 2}),
                headers={"content-type": "application/jsonlines"},
            )
            progress = list(sdk.batches.progress_stream(batch_id="b1"))
            accept = progress_route.calls.last.request.headers["accept"]
            progress_route.respond(200, json={"custom_id": "r2"})
            now = await sdk.batches.progress_async(batch_id="b1")
    assert [type(r) for r in output] == [m.BatchResult] * 2
    assert [(r.custom_id, r.error) for r in output] == [("r1", None), ("r2", "timeout")]
    assert output[0].response == {"status_code": 200}
    assert accept == "application/jsonlines"
    assert [(type(p), p.done, p.total) for p in progress] == [
        (m.ProgressItem, 1, 2),
        (m.ProgressItem, 2, 2),
    ]
    assert (type(now), now.custom_id) == (m.BatchResult, "r2")
