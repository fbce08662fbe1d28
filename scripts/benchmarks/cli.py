"""`scripts/bench`: the command line, the machine facts, the printed report, the JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from . import report
from .runner import (
    PYDANTIC_FLOOR,
    AsyncVariant,
    Client,
    Progress,
    Settings,
    SSEParser,
    count_instructions,
    import_profile,
    main_workloads,
    run_main,
    run_saturation,
    run_worker,
    server_process,
)

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "httpx"
SSE_BASELINE = "iter_lines"
SATURATION_BASELINE = "httpx-default"
#: Columns of the main table measured only in async workloads (other backends).
ASYNC_ONLY = frozenset({"async"})
#: The saturation rows the connection-churn study repeats against a slow server.
CHURN_ROWS = (
    "httpx-default",
    "httpx-limits",
    "httpx-sharded",
    "sdk-default",
    "sdk-plain",
    "sdk-sharded",
    "sdk-aiohttp",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Compare this SDK's cost with raw httpx (and, when given, atoma-sdk "
        "0.1.3 and openai) against a local server. See docs/performance.md.",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--calls", type=int, default=2000, help="at most this many timed sync calls (2000)"
    )
    parser.add_argument("--warmup", type=int, default=200, help="untimed calls first (200)")
    parser.add_argument(
        "--seconds", type=float, default=1.0, help="length of each timed section (1.0)"
    )
    parser.add_argument("--import-repeats", type=int, default=3, help="import runs a round (3)")
    parser.add_argument(
        "--timed-repeats",
        type=int,
        default=3,
        help="sync and async runs per client a round, interleaved across clients (3)",
    )
    parser.add_argument(
        "--memory-calls", type=int, default=2000, help="calls before reading peak RSS (2000)"
    )
    parser.add_argument("--concurrency", default="8,32,128", help="async concurrencies (8,32,128)")
    parser.add_argument("--events", type=int, default=2000, help="events in the SSE body (2000)")
    parser.add_argument("--saturation-rounds", type=int, default=2, help="(default 2; 0 skips)")
    parser.add_argument("--saturation-seconds", type=float, default=1.0)
    parser.add_argument("--saturation-concurrency", default="8,32,64,128")
    parser.add_argument(
        "--churn-delay-ms",
        type=int,
        default=200,
        help="server latency of the connection-churn study (200; 0 skips it)",
    )
    parser.add_argument("--churn-seconds", type=float, default=1.5)
    parser.add_argument("--churn-concurrency", default="32,128")
    parser.add_argument("--sdk013-python", help="interpreter of an env with atoma-sdk==0.1.3")
    parser.add_argument("--openai-python", help="interpreter of an env with openai")
    parser.add_argument(
        "--extras-python",
        help="interpreter of an env with this SDK plus sniffio, httpx-aiohttp and uvloop, "
        "for the saturation study's optional rows",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "bench-results" / "bench.json",
        help="where to write the results (default bench-results/bench.json)",
    )
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="CALLS",
        help="also count machine instructions per sync call with valgrind over an in-memory "
        "network, from this many calls (raw httpx, this SDK, 0.1.3; 0 skips it, the default; "
        "1000 takes about 2 minutes a client)",
    )
    parser.add_argument("--quick", action="store_true", help="one short round: a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.calls, args.warmup, args.seconds = 1, 300, 50, 0.4
        args.import_repeats, args.saturation_rounds, args.saturation_seconds = 1, 1, 0.4
        args.timed_repeats = 1
        args.churn_seconds = 1.0
    return args


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        rounds=args.rounds,
        calls=args.calls,
        warmup=args.warmup,
        seconds=args.seconds,
        import_repeats=args.import_repeats,
        timed_repeats=args.timed_repeats,
        memory_calls=args.memory_calls,
        sse_events=args.events,
        sse_min_cpu_s=0.1 if args.quick else 0.6,
        concurrencies=_ints(args.concurrency),
        saturation_rounds=args.saturation_rounds,
        saturation_seconds=args.saturation_seconds,
        saturation_concurrencies=_ints(args.saturation_concurrency),
        churn_delay_ms=args.churn_delay_ms,
        churn_seconds=args.churn_seconds,
        churn_concurrencies=_ints(args.churn_concurrency),
    )


# -- environments ------------------------------------------------------------------------


def probe(python: str) -> dict[str, Any]:
    """What an interpreter has: package versions, and which optional modules import."""
    code = (
        "import json\n"
        "from importlib import metadata as m\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return None\n"
        "names = ['atoma-sdk', 'openai', 'httpx', 'httpx2', 'httpcore', 'anyio', 'pydantic',\n"
        "         'sniffio', 'httpx-aiohttp', 'aiohttp', 'uvloop']\n"
        "found = {n: v(n) for n in names}\n"
        "try:\n"  # the pool limits this SDK gives the clients it creates, if it says
        "    from atoma_sdk._runtime.client import DEFAULT_LIMITS as l\n"
        "    found['sdk_limits'] = [l.max_connections, l.max_keepalive_connections]\n"
        "except Exception: pass\n"
        "print(json.dumps(found))\n"
    )
    try:
        done = subprocess.run(
            [python, "-I", "-c", code], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def build_rows(
    args: argparse.Namespace, notes: list[str]
) -> tuple[list[Client], list[SSEParser], list[AsyncVariant], dict[str, Any]]:
    """The clients, SSE parsers and saturation variants this run can measure."""
    project = sys.executable
    envs: dict[str, Any] = {"project": {"python": project, **probe(project)}}
    own = envs["project"]
    clients = [
        Client(BASELINE, "raw httpx", project, "httpx"),
        Client("sdk", f"this SDK {own.get('atoma-sdk')}", project, "atoma"),
        # the memory floor and the time to a first result of any pydantic-based client
        Client(
            PYDANTIC_FLOOR,
            "raw httpx + pydantic",
            project,
            PYDANTIC_FLOOR,
            workloads=frozenset({"import", "memory"}),
        ),
    ]
    if own.get("httpx-aiohttp"):
        clients.append(
            Client(
                "sdk-aiohttp",
                "this SDK on aiohttp",
                project,
                "atoma",
                variant="sdk-aiohttp",
                workloads=ASYNC_ONLY,
            )
        )
    parsers = [
        SSEParser(SSE_BASELINE, "httpx iter_lines() (the floor)", project, "iter_lines"),
        SSEParser("reference", "reference: line parser on iter_lines()", project, "reference"),
        SSEParser("blocks", "reference: block fast path", project, "reference_blocks"),
        SSEParser("sdk", "this SDK's parser", project, "sdk"),
    ]
    sniffio = "yes" if own.get("sniffio") else "no"
    limits = own.get("sdk_limits")
    sdk_pool = f"{limits[0]} conns, keep-alive {limits[1]}" if limits else "its pool"
    variants = [
        AsyncVariant(
            SATURATION_BASELINE,
            f"httpx defaults: 100 conns, keep-alive 20 (sniffio: {sniffio})",
            project,
            "httpx",
            "default",
        ),
        AsyncVariant(
            "httpx-limits", "httpx, keep-alive >= concurrency", project, "httpx", "limits"
        ),
        AsyncVariant(
            "httpx-transport",
            "httpx, AsyncHTTPTransport(same limits, http1, retries=0)",
            project,
            "httpx",
            "transport",
        ),
        AsyncVariant("httpx-sharded", "httpx, 4 sharded pools", project, "httpx", "sharded"),
        AsyncVariant(
            "sdk-default",
            f"this SDK defaults: {sdk_pool} (sniffio: {sniffio})",
            project,
            "atoma",
            "default",
        ),
        AsyncVariant(
            "sdk-plain", "this SDK, async_client=httpx.AsyncClient()", project, "atoma", "plain"
        ),
        AsyncVariant("sdk-sharded", "this SDK, 4 sharded pools", project, "atoma", "sharded"),
    ]

    if args.sdk013_python:
        env = envs["sdk013"] = {"python": args.sdk013_python, **probe(args.sdk013_python)}
        if env.get("atoma-sdk"):
            clients.append(
                Client("sdk013", f"atoma-sdk {env['atoma-sdk']}", args.sdk013_python, "atoma")
            )
            parsers.append(
                SSEParser("sdk013", "atoma-sdk 0.1.3 stream_events", args.sdk013_python, "atoma013")
            )
        else:
            notes.append(f"--sdk013-python {args.sdk013_python}: no atoma-sdk there; skipped")
    else:
        notes.append("atoma-sdk 0.1.3 skipped: pass --sdk013-python (it needs its own env)")

    openai_python: str | None = args.openai_python or (project if own.get("openai") else None)
    if openai_python:
        env = envs["openai"] = {"python": openai_python, **probe(openai_python)}
        if env.get("openai"):
            stack = "httpx2" if env.get("httpx2") and not env.get("httpx") else "httpx"
            label = f"openai {env['openai']}"
            clients.append(Client("openai", label, openai_python, "openai"))
            if env.get("aiohttp"):
                clients.append(
                    Client(
                        "openai-aiohttp",
                        f"{label} on aiohttp",
                        openai_python,
                        "openai",
                        variant="sdk-aiohttp",
                        workloads=ASYNC_ONLY,
                    )
                )
            parsers.append(
                SSEParser("openai", f"openai SSEDecoder (on {stack})", openai_python, "openai")
            )
            if stack != "httpx":
                notes.append(f"{label} runs on {stack} {env.get('httpx2')}, not httpx")
        else:
            notes.append(f"--openai-python {openai_python}: no openai there; skipped")
    else:
        notes.append("openai skipped: pass --openai-python")

    extras = args.extras_python
    if extras:
        env = envs["extras"] = {"python": extras, **probe(extras)}
        yes = "yes" if env.get("sniffio") else "no"
        if env.get("httpx"):
            variants.append(
                AsyncVariant(
                    "httpx-extras", f"httpx defaults (sniffio: {yes})", extras, "httpx", "default"
                )
            )
        if env.get("uvloop"):
            variants.append(
                AsyncVariant(
                    "httpx-uvloop",
                    f"httpx defaults on uvloop (sniffio: {yes})",
                    extras,
                    "httpx",
                    "uvloop",
                )
            )
        if env.get("httpx-aiohttp"):
            variants.append(
                AsyncVariant(
                    "httpx-aiohttp", "httpx + httpx-aiohttp transport", extras, "httpx", "aiohttp"
                )
            )
        if env.get("atoma-sdk"):
            variants.append(
                AsyncVariant(
                    "sdk-extras", f"this SDK defaults (sniffio: {yes})", extras, "atoma", "default"
                )
            )
            if env.get("httpx-aiohttp"):
                variants.append(
                    AsyncVariant(
                        "sdk-aiohttp",
                        "this SDK + httpx-aiohttp transport",
                        extras,
                        "atoma",
                        "aiohttp",
                    )
                )
    else:
        notes.append(
            "saturation rows with sniffio / uvloop / httpx-aiohttp skipped: pass --extras-python"
        )
    if own.get("httpx-aiohttp") and not (extras and envs["extras"].get("httpx-aiohttp")):
        variants.append(
            AsyncVariant(
                "httpx-aiohttp", "httpx + httpx-aiohttp transport", project, "httpx", "aiohttp"
            )
        )
    if own.get("httpx-aiohttp"):
        variants.append(
            AsyncVariant(
                "sdk-aiohttp-default",
                "this SDK, async_client=DefaultAioHttpClient()",
                project,
                "atoma",
                "sdk-aiohttp",
            )
        )
    else:
        notes.append("httpx-aiohttp is not installed in .venv: its rows need --extras-python")
    return clients, parsers, variants, envs


# -- machine -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in ("httpx", "httpcore", "anyio", "h11", "pydantic", "pydantic-core", "atoma-sdk"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def source_state() -> dict[str, Any]:
    """Which SDK source was measured: the commit, and files under src/ that differ from it."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout if done.returncode == 0 else ""

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    commit = git("rev-parse", "--short", "HEAD").strip()
    return {"commit": commit or None, "uncommitted_src": changed}


# -- main --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    notes: list[str] = []
    clients, parsers, variants, envs = build_rows(args, notes)
    if settings.saturation_rounds <= 0:
        variants = []
    churn_variants = [v for v in variants if v.key in CHURN_ROWS]
    if settings.churn_delay_ms <= 0:
        churn_variants = []
    host = machine()
    source = source_state()
    workloads = main_workloads(settings)
    runs_per_round = (
        sum(w.repeats * sum(c.runs(w.args["workload"]) for c in clients) for w in workloads)
        + len(parsers)
        + 1
    )
    importers = [c for c in clients if c.runs("import")]
    total = (
        runs_per_round * settings.rounds
        + len(importers)  # priming
        + len(importers)  # import profile
        + settings.saturation_rounds * len(settings.saturation_concurrencies) * len(variants)
        + settings.saturation_rounds * len(settings.churn_concurrencies) * len(churn_variants)
    )
    progress = Progress(total)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    started = time.monotonic()
    with server_process(sys.executable, settings.sse_events) as server:
        # First runs compile bytecode and fill the page cache: run, then discard them.
        for client in importers:
            run_worker(
                client.python, {"client": client.kind, "workload": "import", "url": server.url}
            )
            progress.step(f"prime    {client.key}")
        records = run_main(server, clients, parsers, settings, sys.executable, progress)
        profiles = {}
        for client in importers:
            profiles[client.key] = import_profile(server, client)
            progress.step(f"importtime {client.key}")
        instructions = {}
        if args.instructions:
            for client in clients:
                if client.key in (BASELINE, "sdk", "sdk013"):  # openai: another HTTP stack
                    instructions[client.key] = count_instructions(
                        client, args.instructions, settings.warmup
                    )
                    print(f"instructions {client.key}: {instructions[client.key]}", file=sys.stderr)
        saturation = run_saturation(server, variants, settings, progress) if variants else []
        churn = (
            run_saturation(
                server, churn_variants, settings, progress, delay_ms=settings.churn_delay_ms
            )
            if churn_variants
            else []
        )
    elapsed = time.monotonic() - started

    main_rows = [(c.key, c.label) for c in clients]
    main_records = [r for r in records if r["workload"] not in ("sse", "loadavg")]
    summaries = {
        baseline: report.summarize(main_records, baseline)
        for baseline in {BASELINE} | {target.baseline for target in report.TARGETS}
        if baseline != SSE_BASELINE
    }
    main_summary = summaries[BASELINE]
    sse_summary = report.summarize((r for r in records if r["workload"] == "sse"), SSE_BASELINE)
    sat_summary = report.summarize(saturation, SATURATION_BASELINE)
    churn_summary = report.summarize(churn, SATURATION_BASELINE)
    verdicts = report.verdicts({**summaries, SSE_BASELINE: sse_summary})
    metrics = report.main_metrics(settings.concurrencies)
    loads = [r["result"].get("loadavg_1m") for r in records if r["workload"] == "loadavg"]
    baseline_rss = main_summary.get("baseline", {}).get("peak_rss_mb", {}).get("python")

    out: list[str] = []
    out.append(
        f"scripts/bench: {settings.rounds} round(s), {elapsed:.0f} s; {host['nproc']} CPUs "
        f"({host['cpu_model']}), Python {host['python']}, httpx {host['versions']['httpx']}, "
        f"httpcore {host['versions']['httpcore']}, pydantic {host['versions']['pydantic']}"
    )
    if source["commit"]:
        dirty = len(source["uncommitted_src"])
        out.append(
            f"SDK source: commit {source['commit']}"
            + (f" plus {dirty} uncommitted file(s) under src/" if dirty else "")
        )
    if loads:
        shown = ", ".join(f"{load:.2f}" for load in loads if load is not None)
        out.append(f"load average (1 min) at round starts: {shown}")
    out.append("")
    out.append(f"Medians over rounds; (ratio) = median of per-round ratios to {clients[0].label}.")
    out.append(report.main_table(main_summary, metrics, main_rows, BASELINE))
    shares = [
        r["result"]["server_cpu_share"]
        for r in [*records, *saturation]
        if "server_cpu_share" in r["result"]
    ]
    if shares:
        verdict = "not the bottleneck" if max(shares) < 0.5 else "CHECK: may limit throughput"
        out.append(
            f"server CPU share over every timed section: median {statistics.median(shares):.0%}, "
            f"max {max(shares):.0%} of one core (server {verdict})"
        )
    if baseline_rss:
        out.append(f"(a bare interpreter's peak RSS: {baseline_rss['median']:.1f} MB)")
    out.extend(_pydantic_floor_lines(main_summary, summaries[PYDANTIC_FLOOR]))
    out.append("")
    out.append(report.verdict_table(verdicts))
    out.append("")
    out.append(
        f"Server-sent events: one GET /sse of {settings.sse_events} events, CPU per stream "
        "(medians; ratio to iter_lines() of the same round)."
    )
    out.append(
        report.sse_table(
            sse_summary, records, [(p.key, p.label) for p in parsers], settings.sse_events
        )
    )
    if instructions:
        out.append("")
        out.extend(_instruction_lines(instructions, main_rows))
    if saturation:
        out.append("")
        out.append(
            f"Saturation study: async throughput by concurrency ({settings.saturation_rounds} "
            f"round(s) of {settings.saturation_seconds} s each)."
        )
        out.append(
            report.saturation_tables(
                sat_summary,
                [(v.key, v.label) for v in variants],
                settings.saturation_concurrencies,
                SATURATION_BASELINE,
            )
        )
    if churn:
        out.append("")
        out.append(
            f"Connection churn: the same async workload against a server that answers after "
            f"{settings.churn_delay_ms} ms ({settings.saturation_rounds} round(s) of "
            f"{settings.churn_seconds} s each)."
        )
        out.append(
            report.churn_table(
                churn_summary,
                [(v.key, v.label) for v in churn_variants],
                settings.churn_concurrencies,
            )
        )
    out.append("")
    out.append("python -X importtime, import + construct + first call, top-level imports (ms):")
    out.append(report.import_profile_text(profiles, {c.key: c.label for c in clients}))
    errors = [r for r in [*records, *saturation, *churn] if "error" in r["result"]]
    for record in errors[:10]:
        out.append(f"error: {record['workload']} {record['row']}: {record['result']['error']}")
    for note in notes:
        out.append(f"note: {note}")
    print("\n".join(out))

    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "elapsed_s": elapsed,
        "machine": host,
        "source": source,
        "settings": vars(settings),
        "environments": envs,
        "instructions": instructions,
        "rows": {
            "main": main_rows,
            "sse": [(p.key, p.label) for p in parsers],
            "saturation": [(v.key, v.label) for v in variants],
            "churn": [(v.key, v.label) for v in churn_variants],
        },
        "summary": {
            "main": main_summary,
            "sse": sse_summary,
            "saturation": sat_summary,
            "churn": churn_summary,
        },
        "targets": verdicts,
        "import_profile": profiles,
        "notes": notes,
        "records": records,
        "saturation_records": saturation,
        "churn_records": churn,
        "table": "\n".join(out),
    }
    args.json.write_text(json.dumps(document, indent=1, default=str) + "\n")
    print(f"\nwrote {args.json}", file=sys.stderr)
    return 1 if errors else 0


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _pydantic_floor_lines(main_summary: report.Summary, to_floor: report.Summary) -> list[str]:
    """Peak RSS of raw httpx parsing with a pydantic model, and this SDK's ratio to it
    (`to_floor`: the records summarized against that column).

    The SDK must return pydantic models, so pydantic's own memory is under it whatever it
    does; this separates that share from the SDK's.
    """
    floor = main_summary.get("memory", {}).get("peak_rss_mb", {}).get(PYDANTIC_FLOOR)
    sdk = to_floor.get("memory", {}).get("peak_rss_mb", {}).get("sdk")
    if not floor or floor["median"] is None or not sdk or sdk["ratio"] is None:
        return []
    return [
        f"(raw httpx parsing with a pydantic model: peak RSS {floor['median']:.1f} MB, "
        f"{floor['ratio']:.2f}x raw httpx; this SDK: {sdk['ratio']:.2f}x that floor)"
    ]


def _instruction_lines(
    instructions: dict[str, dict[str, Any]], rows: list[tuple[str, str]]
) -> list[str]:
    """The valgrind table: instructions per sync call, and the ratio to raw httpx."""
    base = instructions.get(BASELINE, {}).get("instructions_per_call")
    lines = [
        "Machine instructions per sync call (valgrind; in-memory network, no server; the same "
        "count on every run):"
    ]
    for key, label in rows:
        result = instructions.get(key)
        if result is None:
            continue
        count = result.get("instructions_per_call")
        if count is None:
            lines.append(f"  {label:28s} {result.get('error', 'not measured')}")
            continue
        ratio = f" ({count / base:.2f}x)" if base and key != BASELINE else ""
        lines.append(f"  {label:28s} {count / 1000:9,.0f} thousand{ratio}")
    return lines
