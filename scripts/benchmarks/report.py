"""From the workers' records to medians, ratios, verdicts and printed tables."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .runner import Record

TIMES = "\N{MULTIPLICATION SIGN}"
NONE = "\N{EN DASH}"

#: summary[workload][metric][row] = {"median", "ratio", "values", "ratios"}
Summary = dict[str, dict[str, dict[str, dict[str, Any]]]]


@dataclass(frozen=True)
class Metric:
    workload: str
    key: str
    label: str
    unit: str  # "ms", "us", "rate", "mb", "share"
    #: Whether a ratio to the baseline row means anything (not for shares).
    ratio: bool = True


@dataclass(frozen=True)
class Target:
    label: str
    workload: str
    metric: str
    op: str  # "<=" or ">="
    limit: float
    row: str = "sdk"
    #: The column the ratio is taken to, in the same round (`iter_lines` for SSE).
    baseline: str = "httpx"


TARGETS = (
    Target("client CPU per sync call vs raw httpx", "sync", "cpu_us_per_call", "<=", 1.2),
    Target("async throughput, concurrency 8, vs raw httpx", "async8", "calls_per_s", ">=", 0.9),
    Target("import + construct vs httpx", "import", "import_construct_ms", "<=", 1.5),
    Target("peak RSS after 2,000 calls vs raw httpx", "memory", "peak_rss_mb", "<=", 1.3),
    Target(
        "SSE parsing CPU vs iter_lines()",
        "sse",
        "cpu_ms_per_stream",
        "<=",
        1.2,
        "sdk",
        "iter_lines",
    ),
    # issue 14: the default backend against raw httpx, the aiohttp backend against openai
    *(
        Target(f"async c={c}: default backend vs raw httpx", f"async{c}", "calls_per_s", ">=", 1.0)
        for c in (8, 32, 128)
    ),
    *(
        Target(
            f"async c={c}: aiohttp backend vs {name}",
            f"async{c}",
            "calls_per_s",
            ">=",
            1.0,
            "sdk-aiohttp",
            peer,
        )
        for c in (32, 128)
        for peer, name in (("openai", "openai"), ("openai-aiohttp", "openai on aiohttp"))
    ),
    Target(
        "time to first result vs raw httpx + pydantic model",
        "import",
        "first_call_ms",
        "<=",
        1.2,
        "sdk",
        "httpx-pydantic",
    ),
)


def main_metrics(concurrencies: Sequence[int]) -> list[Metric]:
    metrics = [
        Metric("import", "import_construct_ms", "import + construct (ms)", "ms"),
        Metric("import", "first_call_ms", "import + construct + 1st call (ms)", "ms"),
        Metric("sync", "cpu_us_per_call", "sync: client CPU per call (µs)", "us"),
        Metric("sync", "latency_us_p50", "sync: latency p50 (µs)", "us"),
        Metric("sync", "latency_us_p99", "sync: latency p99 (µs)", "us"),
        Metric("sync", "server_cpu_share", "sync: server CPU share", "share", ratio=False),
    ]
    for c in concurrencies:
        metrics += [
            Metric(f"async{c}", "calls_per_s", f"async c={c}: throughput (calls/s)", "rate"),
            Metric(f"async{c}", "cpu_us_per_call", f"async c={c}: client CPU per call (µs)", "us"),
            Metric(
                f"async{c}", "server_cpu_share", f"async c={c}: server CPU share", "share", False
            ),
        ]
    metrics.append(Metric("memory", "peak_rss_mb", "peak RSS after 2,000 calls (MB)", "mb"))
    return metrics


# -- numbers ---------------------------------------------------------------------------


def summarize(records: Iterable[Record], baseline: str) -> Summary:
    """Per workload, metric and row: the median over rounds, and the median over rounds of
    the ratio to the `baseline` row of the same round (repeats within a round are first
    reduced to their median)."""
    per_round: dict[tuple[str, str, int], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        result = record["result"]
        if "error" in result:
            continue
        slot = per_round[(record["workload"], record["row"], record["round"])]
        for key, value in result.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                slot[key].append(float(value))

    summary: Summary = defaultdict(lambda: defaultdict(dict))
    rounds_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for workload, row, round_ in per_round:
        rounds_of[(workload, row)].append(round_)
    for (workload, row), rounds in rounds_of.items():
        keys = {key for r in rounds for key in per_round[(workload, row, r)]}
        for key in sorted(keys):
            values, ratios = [], []
            for r in sorted(rounds):
                samples = per_round[(workload, row, r)].get(key)
                if not samples:
                    continue
                value = statistics.median(samples)
                values.append(value)
                base = per_round.get((workload, baseline, r), {}).get(key)
                if base and statistics.median(base):
                    ratios.append(value / statistics.median(base))
            summary[workload][key][row] = {
                "median": statistics.median(values) if values else None,
                "ratio": statistics.median(ratios) if ratios else None,
                "values": values,
                "ratios": ratios,
            }
    return summary


def verdicts(summaries: dict[str, Summary]) -> list[dict[str, Any]]:
    """Each target against this SDK's median ratio; `summaries`: the records summarized
    against each target's baseline (`summarize(records, baseline)`)."""
    out = []
    for target in TARGETS:
        source = summaries.get(target.baseline, {})
        cell = source.get(target.workload, {}).get(target.metric, {}).get(target.row)
        ratio = cell["ratio"] if cell else None
        if ratio is None:
            verdict = "not measured"
        elif (ratio <= target.limit) if target.op == "<=" else (ratio >= target.limit):
            verdict = "met"
        else:
            verdict = "MISSED"
        ratios = cell["ratios"] if cell else []
        out.append(
            {
                "target": target.label,
                "limit": f"{target.op} {target.limit}{TIMES}",
                "ratio": ratio,
                "ratio_range": [min(ratios), max(ratios)] if ratios else None,
                "verdict": verdict,
            }
        )
    return out


# -- text --------------------------------------------------------------------------------


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return NONE
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit == "mb":
        return f"{value:.1f}"
    if unit == "ms":
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    if unit == "ms2":
        return f"{value:.2f}"
    return f"{value:.0f}"


def fmt_cell(cell: dict[str, Any] | None, unit: str, with_ratio: bool) -> str:
    if not cell or cell["median"] is None:
        return NONE
    text = fmt_value(cell["median"], unit)
    if with_ratio and cell["ratio"] is not None:
        text += f" ({cell['ratio']:.2f}{TIMES})"
    return text


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def main_table(
    summary: Summary, metrics: Sequence[Metric], rows: Sequence[tuple[str, str]], baseline: str
) -> str:
    headers = ["", *(label for _, label in rows)]
    lines = []
    for metric in metrics:
        cells = summary.get(metric.workload, {}).get(metric.key, {})
        lines.append(
            [
                metric.label,
                *(
                    fmt_cell(cells.get(key), metric.unit, metric.ratio and key != baseline)
                    for key, _ in rows
                ),
            ]
        )
    return table(headers, lines)


def sse_table(
    summary: Summary, records: Iterable[Record], rows: Sequence[tuple[str, str]], events: int
) -> str:
    notes = {
        record["row"]: record["result"].get("note", "")
        for record in records
        if record["workload"] == "sse" and record["result"].get("available") is False
    }
    errors = {
        record["row"]: record["result"]["error"]
        for record in records
        if record["workload"] == "sse" and "error" in record["result"]
    }
    cpu = summary.get("sse", {}).get("cpu_ms_per_stream", {})
    lines = []
    for key, label in rows:
        cell = cpu.get(key)
        if cell is None or cell["median"] is None:
            reason = notes.get(key) or errors.get(key) or "not measured"
            lines.append([label, "not yet available" if key in notes else NONE, NONE, NONE, reason])
            continue
        per_event = cell["median"] * 1000 / events
        ratio = f"1.00{TIMES} (floor)" if key == "iter_lines" else f"{cell['ratio']:.2f}{TIMES}"
        lines.append([label, f"{cell['median']:.2f}", f"{per_event:.2f}", ratio, ""])
    headers = ["SSE parser", "CPU ms/stream", "µs/event", "vs iter_lines()", "note"]
    return table(headers, lines)


def saturation_tables(
    summary: Summary,
    rows: Sequence[tuple[str, str]],
    concurrencies: Sequence[int],
    baseline: str,
) -> str:
    blocks = []
    for metric, title, unit in (
        (
            "calls_per_s",
            f"throughput, calls/s ({TIMES} httpx defaults at the same concurrency)",
            "rate",
        ),
        ("cpu_us_per_call", "client CPU per call, µs", "us"),
        ("client_cpu_share", "client CPU share (100% = one core busy)", "share"),
    ):
        headers = [title, *(f"c={c}" for c in concurrencies)]
        lines = []
        for key, label in rows:
            cells = [summary.get(f"c{c}", {}).get(metric, {}).get(key) for c in concurrencies]
            with_ratio = metric == "calls_per_s" and key != baseline
            lines.append([label, *(fmt_cell(cell, unit, with_ratio) for cell in cells)])
        blocks.append(table(headers, lines))
    return "\n\n".join(blocks)


def churn_table(
    summary: Summary, rows: Sequence[tuple[str, str]], concurrencies: Sequence[int]
) -> str:
    """Per row and concurrency: throughput, client CPU per call, new connections per 1,000
    calls (0 means the pool kept every connection alive)."""
    headers = ["", *(f"c={c}: calls/s, CPU µs/call, new conns/1k calls" for c in concurrencies)]
    lines = []
    for key, label in rows:
        cells = []
        for c in concurrencies:
            metrics = summary.get(f"c{c}", {})
            parts = [
                fmt_cell(metrics.get("calls_per_s", {}).get(key), "rate", False),
                fmt_cell(metrics.get("cpu_us_per_call", {}).get(key), "us", False),
                fmt_cell(metrics.get("connections_per_1000_calls", {}).get(key), "mb", False),
            ]
            cells.append(", ".join(parts))
        lines.append([label, *cells])
    return table(headers, lines)


def verdict_table(rows: Sequence[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        ratio = NONE if row["ratio"] is None else f"{row['ratio']:.2f}{TIMES}"
        spread = row["ratio_range"]
        spread_text = NONE if not spread else f"{spread[0]:.2f}{NONE}{spread[1]:.2f}"
        lines.append([row["target"], row["limit"], ratio, spread_text, row["verdict"]])
    return table(
        ["target (this SDK)", "limit", "median ratio", "per-round range", "verdict"], lines
    )


def import_profile_text(profiles: dict[str, list[dict[str, Any]]], labels: dict[str, str]) -> str:
    blocks = []
    for key, entries in profiles.items():
        if not entries:
            continue
        parts = ", ".join(
            f"{entry['module']} {entry['cumulative_us'] / 1000:.1f}" for entry in entries
        )
        blocks.append(f"{labels.get(key, key)}: {parts}")
    return "\n".join(blocks)
