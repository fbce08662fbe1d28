"""What is measured, in which process, in which order."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKER = HERE / "worker.py"
SERVER = HERE / "server.py"

#: Every record the run produced: the round, the workload, the row, the worker's output.
Record = dict[str, Any]


#: The column (and worker client) of raw httpx parsing with a pydantic model: the memory
#: floor, and the time to a first result, of any client that returns pydantic models.
PYDANTIC_FLOOR = "httpx-pydantic"


@dataclass(frozen=True)
class Client:
    """A client under test: a column of the main table."""

    key: str
    label: str
    python: str
    #: The worker's `client=` argument (0.1.3 and this SDK are both `atoma`).
    kind: str
    #: The worker's `variant=` for async workloads: how the async client is built.
    variant: str = "default"
    #: The workloads (`Workload.args["workload"]`) it runs; None: all of them.
    workloads: frozenset[str] | None = None

    def runs(self, workload: str) -> bool:
        return self.workloads is None or workload in self.workloads


@dataclass(frozen=True)
class SSEParser:
    """A row of the SSE table: a worker `variant=` run in some environment."""

    key: str
    label: str
    python: str
    variant: str


@dataclass(frozen=True)
class AsyncVariant:
    """A row of the saturation study: a client built one way, in some environment."""

    key: str
    label: str
    python: str
    kind: str
    variant: str


@dataclass(frozen=True)
class Workload:
    """A column group of the main table: worker arguments, and the metrics it yields."""

    key: str
    args: dict[str, str]
    repeats: int = 1


@dataclass
class Settings:
    rounds: int
    calls: int
    warmup: int
    seconds: float
    import_repeats: int
    timed_repeats: int
    memory_calls: int
    sse_events: int
    sse_min_cpu_s: float
    concurrencies: tuple[int, ...]
    saturation_rounds: int
    saturation_seconds: float
    saturation_concurrencies: tuple[int, ...]
    churn_delay_ms: int
    churn_seconds: float
    churn_concurrencies: tuple[int, ...]


@dataclass
class Progress:
    """One line per finished worker on stderr, so a long run shows it is alive."""

    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def step(self, what: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        print(f"[{self.done:3d}/{self.total} {elapsed:5.0f}s] {what}", file=sys.stderr, flush=True)


# -- processes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextmanager
def server_process(python: str, events: int) -> Iterator[Server]:
    """The benchmark server in its own process, for the duration of the block."""
    process = subprocess.Popen(
        [python, "-I", str(SERVER), "--events", str(events)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the server exits when its stdin closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def run_worker(
    python: str, args: dict[str, str], extra_flags: Sequence[str] = ()
) -> tuple[dict[str, Any], str]:
    """Run one workload in a fresh interpreter; its JSON result (or an `error`) and stderr."""
    command = [python, "-I", *extra_flags, str(WORKER), *(f"{k}={v}" for k, v in args.items())]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 300 s"}, ""
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}"}, done.stderr
    result: dict[str, Any] = json.loads(lines[-1])
    return result, done.stderr


def count_instructions(client: Client, calls: int, warmup: int) -> dict[str, Any]:
    """Machine instructions per sync call over an in-memory network, counted by valgrind:
    the same number on every run (hash seed fixed), unlike times on a shared machine.

    Two runs differ only in their number of calls, so their difference divided by that
    number leaves out start-up, imports and the warm-up.
    """
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {"error": "valgrind is not installed"}
    counts = []
    for n in (0, calls):
        command = [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            client.python,
            "-s",  # not -I: it would ignore PYTHONHASHSEED
            str(WORKER),
            f"client={client.kind}",
            "workload=inmemory",
            f"calls={n}",
            f"warmup={warmup}",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            return {"error": f"valgrind exit {done.returncode}: {done.stderr.strip()[-300:]}"}
        counts.append(int(found.group(1)))
    return {"instructions_per_call": (counts[1] - counts[0]) / calls}


def rotated(items: Sequence[Any], by: int) -> list[Any]:
    """`items` started at a different place each round, so no row always runs first."""
    if not items:
        return []
    by %= len(items)
    return [*items[by:], *items[:by]]


# -- the plan ----------------------------------------------------------------------------


def main_workloads(settings: Settings) -> list[Workload]:
    common = {"warmup": str(settings.warmup), "calls": str(settings.calls)}
    timed = {**common, "seconds": str(settings.seconds)}
    workloads = [
        Workload("import", {"workload": "import"}, repeats=settings.import_repeats),
        Workload("sync", {"workload": "sync", **timed}, repeats=settings.timed_repeats),
    ]
    workloads += [
        Workload(
            f"async{c}",
            {"workload": "async", "concurrency": str(c), **timed},
            repeats=settings.timed_repeats,
        )
        for c in settings.concurrencies
    ]
    workloads.append(Workload("memory", memory_args(settings)))
    return workloads


def memory_args(settings: Settings) -> dict[str, str]:
    return {"workload": "memory", "calls": str(settings.memory_calls)}


def run_main(
    server: Server,
    clients: Sequence[Client],
    parsers: Sequence[SSEParser],
    settings: Settings,
    baseline_python: str,
    progress: Progress,
) -> list[Record]:
    """The interleaved rounds: every workload, every client, each in a new process."""
    records: list[Record] = []
    workloads = main_workloads(settings)

    def record(round_: int, workload: str, row: str, result: dict[str, Any]) -> None:
        records.append({"round": round_, "workload": workload, "row": row, "result": result})
        progress.step(f"round {round_ + 1} {workload:8s} {row:10s} {_brief(result)}")

    for round_ in range(settings.rounds):
        load = _loadavg()
        records.append({"round": round_, "workload": "loadavg", "row": "", "result": load})
        for workload in workloads:
            # Repeats alternate between clients (A B A B ...), so a slow spell on the
            # machine falls on both rather than on one client's runs.
            runners = [c for c in clients if c.runs(workload.args["workload"])]
            for repeat in range(workload.repeats):
                for client in rotated(runners, round_ + repeat):
                    args = {"client": client.kind, "url": server.url, **workload.args}
                    if workload.args["workload"] == "async":
                        args["variant"] = client.variant
                    result, _ = run_worker(client.python, args)
                    record(round_, workload.key, client.key, result)
        for parser in rotated(parsers, round_):
            args = {
                "client": "none",
                "workload": "sse",
                "url": server.url,
                "variant": parser.variant,
                "min_cpu_s": str(settings.sse_min_cpu_s),
            }
            result, _ = run_worker(parser.python, args)
            record(round_, "sse", parser.key, result)
        result, _ = run_worker(baseline_python, {"client": "none", "workload": "baseline"})
        record(round_, "baseline", "python", result)
    return records


def run_saturation(
    server: Server,
    variants: Sequence[AsyncVariant],
    settings: Settings,
    progress: Progress,
    *,
    delay_ms: int = 0,
) -> list[Record]:
    """Async throughput by concurrency, for each way of building the async client; with
    `delay_ms`, against a server that takes that long per call (the churn study)."""
    records: list[Record] = []
    url = server.url + (f"/delay/{delay_ms}" if delay_ms else "")
    concurrencies = settings.churn_concurrencies if delay_ms else settings.saturation_concurrencies
    seconds = settings.churn_seconds if delay_ms else settings.saturation_seconds
    study = "churn" if delay_ms else "saturation"
    for round_ in range(settings.saturation_rounds):
        for concurrency in concurrencies:
            for variant in rotated(variants, round_):
                args = {
                    "client": variant.kind,
                    "workload": "async",
                    "url": url,
                    "variant": variant.variant,
                    "concurrency": str(concurrency),
                    "warmup": str(settings.warmup),
                    "seconds": str(seconds),
                }
                result, _ = run_worker(variant.python, args)
                if result.get("calls"):
                    opened = result["connections_opened"] * 1000 / result["calls"]
                    result["connections_per_1000_calls"] = opened
                name = f"c{concurrency}"
                records.append(
                    {"round": round_, "workload": name, "row": variant.key, "result": result}
                )
                progress.step(f"{study} {round_ + 1} {name:5s} {variant.key:16s} {_brief(result)}")
    return records


def import_profile(server: Server, client: Client, top: int = 8) -> list[dict[str, Any]]:
    """`python -X importtime` of import + construct + first call: the costliest top-level
    imports (cumulative, µs), as the interpreter reports them."""
    args = {"client": client.kind, "workload": "import", "url": server.url}
    _, stderr = run_worker(client.python, args, ("-X", "importtime"))
    entries: list[dict[str, Any]] = []
    measured = stderr.partition("bench: measured start")[2].partition("bench: measured end")[0]
    for line in measured.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        if name.startswith(" ") and not name.startswith("  "):  # depth 0: " name"
            entries.append(
                {
                    "module": name.strip(),
                    "self_us": int(self_us),
                    "cumulative_us": int(cumulative_us),
                }
            )
    entries.sort(key=lambda entry: -entry["cumulative_us"])
    return entries[:top]


def _loadavg() -> dict[str, Any]:
    try:
        one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return {}
    return {"loadavg_1m": float(one), "loadavg_5m": float(five), "loadavg_15m": float(fifteen)}


def _brief(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"ERROR {result['error']}"
    keys: list[tuple[str, Callable[[Any], str]]] = [
        ("import_construct_ms", lambda v: f"{v:.1f} ms"),
        ("calls_per_s", lambda v: f"{v:.0f} calls/s"),
        ("cpu_us_per_call", lambda v: f"{v:.0f} µs CPU/call"),
        ("peak_rss_mb", lambda v: f"{v:.1f} MB"),
        ("cpu_ms_per_stream", lambda v: f"{v:.2f} ms/stream"),
        ("note", str),
    ]
    return ", ".join(fmt(result[key]) for key, fmt in keys if key in result)
