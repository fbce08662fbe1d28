"""What the first use of a generated package costs, measured in this (fresh) process.

    PYTHONPATH=scripts .venv/bin/python -m benchmarks.first_call OUT PACKAGE SDK_CLASS \\
        [--call GROUP METHOD BODY_JSON ARGUMENTS_JSON | --all-models]

imports `PACKAGE` from the folder `OUT` (`scripts/generate --out OUT`), then makes one
call answered with `BODY_JSON` by `httpx.MockTransport` (no network), or imports every
name of its `models`; prints one JSON line: wall and CPU seconds, the model modules
loaded, the models pydantic built, peak RSS. Run it once per figure: what the first call
builds is the point (docs/guides/generator.md, Large specs, has figures).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from typing import Any

import httpx
from pydantic import BaseModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("package")
    parser.add_argument("sdk_class")
    parser.add_argument("--call", nargs=4, metavar=("GROUP", "METHOD", "BODY", "ARGUMENTS"))
    parser.add_argument("--all-models", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, args.out)
    figures: dict[str, Any] = {}
    with measured(figures, "import"):
        package = importlib.import_module(args.package)
    if args.call:
        group, method, body, arguments = args.call
        answer = httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )
        client = httpx.Client(transport=httpx.MockTransport(lambda request: answer))
        with measured(figures, "first_call"):
            sdk = getattr(package, args.sdk_class)(server_url="https://api.test", client=client)
            getattr(getattr(sdk, group), method)(**json.loads(arguments))
    if args.all_models:
        with measured(figures, "all_models"):
            for name in package.models.__all__:
                getattr(package.models, name)
    prefix = f"{args.package}.models."
    modules = [m for name, m in list(sys.modules.items()) if name.startswith(prefix)]
    models = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]
    figures["model_modules"] = len(modules)
    figures["models_built"] = sum(bool(model.__pydantic_complete__) for model in models)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))


class measured:
    """Wall and CPU seconds of a block, into `figures` under `name`."""

    def __init__(self, figures: dict[str, Any], name: str) -> None:
        self.figures, self.name = figures, name

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.figures[f"{self.name}_s"] = round(time.perf_counter() - self.wall, 3)
        self.figures[f"{self.name}_cpu_s"] = round(time.process_time() - self.cpu, 3)


if __name__ == "__main__":
    main()
