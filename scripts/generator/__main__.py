"""`scripts/generate`: regenerate this SDK from openapi.yml (`--check`: report drift), or
generate a stand-alone package from any spec (`--spec PATH --out DIR --package NAME`)."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from . import ir
from .diagnostics import SpecError
from .load import load_package, load_spec
from .naming import pascal_case
from .output import drift, format_python, write
from .parse import parse
from .render import Layout, render
from .runtime import RUNTIME

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if generated files differ")
    parser.add_argument("--spec", type=Path, help="generate a stand-alone package from this spec")
    parser.add_argument("--out", type=Path, help="with --spec: the folder to write into")
    parser.add_argument("--package", help="with --spec: the package's import name")
    parser.add_argument("--sdk-class", help="with --spec: the SDK class (default: from info.title)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.spec is not None:
            if args.out is None or args.package is None or args.check:
                parser.error("--spec needs --out and --package (and no --check)")
            count = generate_package(args.spec, args.out, args.package, args.sdk_class)
            elapsed = time.perf_counter() - started
            print(f"wrote {count} files to {args.out} in {elapsed:.2f} s")
            return 0
        return regenerate_project(check=args.check)
    except SpecError as error:
        print(f"scripts/generate: {len(error.problems)} problem(s) in the spec:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2


def regenerate_project(check: bool) -> int:
    package, settings = load_package(PROJECT_ROOT)
    layout = Layout(source_root=settings["source-root"], docs_root=settings["docs-root"])
    api, package = parse(load_spec(PROJECT_ROOT / settings["spec"]), package)
    files = format_python(render(api, package, layout))
    folders = [layout.code(package), layout.docs_root]
    if check:
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


def generate_package(spec_path: Path, out: Path, name: str, sdk_class: str | None) -> int:
    """Write `out/<name>/` (with a copy of this SDK's runtime) and `out/docs/`."""
    if not name.isidentifier():
        raise SpecError([f"--package {name!r} is not a valid Python package name"])
    spec = load_spec(spec_path)
    title = str(spec.get("info", {}).get("title", "")) or name
    default_class = pascal_case(title)
    package = ir.Package(
        import_name=name,
        distribution=name.replace("_", "-"),
        version=str(spec.get("info", {}).get("version", "0.1.0")),
        sdk_class=sdk_class
        or (default_class if default_class.endswith("SDK") else f"{default_class}SDK"),
        spec_name=spec_path.name,
    )
    api, package = parse(spec, package)
    layout = Layout(source_root=".", docs_root="docs")
    files = format_python(render(api, package, layout))
    write(out, files, [layout.code(package), layout.docs_root])
    runtime = out / name / "_runtime"
    if runtime.exists():
        shutil.rmtree(runtime)
    shutil.copytree(RUNTIME, runtime, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (out / name / "py.typed").touch()
    return len(files) + len(list(runtime.glob("*.py")))


if __name__ == "__main__":
    sys.exit(main())
