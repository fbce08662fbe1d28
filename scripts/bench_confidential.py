"""CPU cost of a confidential call against a plain `generate`, on the same in-process mock.

    .venv/bin/python scripts/bench_confidential.py [--calls 300] [--runs 5]

Prints the median CPU time per call (client and mock together, as both run in this
process) of each path, and their ratio. Figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import httpx

from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockTransport


def per_call(call: Callable[[], object], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    transport = MockTransport()
    with (
        httpx.Client(transport=transport) as client,
        AtomaSDK(bearer_auth="t", server_url="http://mock.atoma.local", client=client) as sdk,
    ):
        paths: dict[str, Callable[[], object]] = {
            "plain": lambda: sdk.images.generate(model="m", prompt="an otter", size="8x8"),
            "confidential": lambda: sdk.confidential_images.generate(
                model="m", prompt="an otter", size="8x8"
            ),
        }
        for call in paths.values():
            per_call(call, 20)  # warm up: imports, caches
        results: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(args.runs):
            for name, call in paths.items():
                results[name].append(per_call(call, args.calls))
                transport.api.reset()
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, median in medians.items():
        print(f"{name:>12}: {median * 1e6:8.0f} us CPU per call (median of {args.runs} runs)")
    print(f"       ratio: {medians['confidential'] / medians['plain']:.2f}x")


if __name__ == "__main__":
    main()
