"""The benchmark behind `scripts/bench` (see docs/performance.md).

- `server`: the local HTTP server, run in its own process (standard library only).
- `worker`: one workload for one client, run in a fresh interpreter of the client's own
  environment (standard library plus that client only).
- `runner`: which clients and workloads exist, the server process, the interleaved rounds.
- `report`: medians, ratios to raw httpx, the targets, the printed tables.
- `cli`: the command line of `scripts/bench`.
"""
