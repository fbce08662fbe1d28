"""`python -m atoma_sdk.mock`: run the mock server in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from .server import MockServer


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m atoma_sdk.mock", description="Serve a mock Atoma images API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--require-auth", action="store_true", help="demand a bearer token")
    args = parser.parse_args(argv)
    with MockServer(host=args.host, port=args.port, require_auth=args.require_auth) as server:
        print(server.url, flush=True)  # one line, so scripts can read the address
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
