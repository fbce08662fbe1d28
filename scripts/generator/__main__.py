"""`scripts/generate [--check]`: regenerate the SDK from openapi.yml, or report drift."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .load import load_package, load_spec
from .output import drift, format_python, write
from .parse import SpecError, parse
from .render import Layout, render

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if generated files differ")
    args = parser.parse_args(argv)

    package, settings = load_package(PROJECT_ROOT)
    layout = Layout(source_root=settings["source-root"], docs_root=settings["docs-root"])
    try:
        api, package = parse(load_spec(PROJECT_ROOT / settings["spec"]), package)
    except SpecError as error:
        print(f"scripts/generate: {len(error.problems)} problem(s) in the spec:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    files = format_python(render(api, package, layout))
    folders = [layout.code(package), layout.docs_root]
    if args.check:
        problems = drift(PROJECT_ROOT, files, folders)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("scripts/generate --check: generated files are out of date; run scripts/generate")
            return 1
        print(f"scripts/generate --check: {len(files)} generated files are up to date")
        return 0
    for line in write(PROJECT_ROOT, files, folders):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
