"""The benchmark's moving parts still work: its server, each worker workload, its parsers.

The benchmark runs outside the test suite and nothing here times anything; these checks
keep `scripts/bench` from rotting between runs (a renamed SDK module would otherwise show
up only as a failed worker in the next report), and check that the SSE parsers it
compares agree on what the stream contains.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from benchmarks.runner import Server, run_worker, server_process

EVENTS = 40


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with server_process(sys.executable, EVENTS) as running:
        yield running


def work(server: Server, **args: str) -> dict[str, object]:
    result, stderr = run_worker(sys.executable, {"url": server.url, **args})
    assert "error" not in result, (result, stderr)
    return result


@pytest.mark.parametrize("client", ["httpx", "atoma", "httpx-pydantic"])
def test_sync_and_memory_workloads(server: Server, client: str) -> None:
    sync = work(server, client=client, workload="sync", calls="30", warmup="5", seconds="0")
    assert sync["calls"] == 30
    assert isinstance(sync["cpu_us_per_call"], float) and sync["cpu_us_per_call"] > 0
    memory = work(server, client=client, workload="memory", calls="10")
    assert isinstance(memory["peak_rss_mb"], float) and memory["peak_rss_mb"] > 5


@pytest.mark.parametrize("client", ["httpx", "atoma"])
def test_async_workload_reuses_the_connections_its_warm_up_opened(
    server: Server, client: str
) -> None:
    result = work(
        server,
        client=client,
        workload="async",
        concurrency="4",
        seconds="0.2",
        warmup="8",
    )
    assert isinstance(result["calls"], int) and result["calls"] >= 4
    assert result["connections_opened"] == 0  # the warm-up opened them all


def test_import_workload_times_construction_and_the_first_call(server: Server) -> None:
    result = work(server, client="atoma", workload="import")
    assert 0 < result["import_construct_ms"] < result["first_call_ms"]  # type: ignore[operator]


@pytest.mark.parametrize("variant", ["reference", "reference_blocks", "sdk"])
def test_sse_parsers_find_every_event(server: Server, variant: str) -> None:
    result = work(server, client="none", workload="sse", variant=variant, min_cpu_s="0")
    assert result["available"] is True
    assert result["items_per_stream"] == EVENTS + 1  # the events and `[DONE]`


def test_iter_lines_floor_sees_two_lines_per_event(server: Server) -> None:
    result = work(server, client="none", workload="sse", variant="iter_lines", min_cpu_s="0")
    assert result["items_per_stream"] == 2 * (EVENTS + 1)  # each line and the blank after it


@pytest.mark.parametrize("client", ["httpx", "atoma"])
def test_in_memory_workload_needs_no_network(client: str) -> None:
    # What `--instructions` runs under valgrind; its host does not resolve, so any real
    # connection attempt would fail the worker.
    result, stderr = run_worker(
        sys.executable, {"client": client, "workload": "inmemory", "calls": "20", "warmup": "5"}
    )
    assert result.get("calls") == 20, (result, stderr)
