"""`scripts/generate`: regenerate this SDK from openapi.yml (`--check`: report drift), or
generate a stand-alone package from any spec (`--spec PATH --out DIR --package NAME`).

Errors (what makes correct code impossible) are listed all at once and nothing is
written (exit 2). Warnings (defects generation works around) are printed once each after
generating; `--strict` makes them errors."""

from __future__ import annotations

import argparse
import keyword
import shutil
import sys
import threading
import time
from pathlib import Path

from . import ir
from .diagnostics import Diagnostics, SpecError
from .load import load_package, load_spec
from .naming import pascal_case
from .output import GENERATED_MARK, drift, format_python, write
from .parse import parse
from .render import Layout, render
from .runtime import RUNTIME

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# What a generated package imports: a package of the same name would hide it.
RUNTIME_DEPENDENCIES = ("httpx", "pydantic", "pydantic_core", "typing_extensions")
#: Room for `$ref` chains thousands deep (virtual memory: pages are used only if needed).
STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 100_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if generated files differ")
    parser.add_argument("--spec", type=Path, help="generate a stand-alone package from this spec")
    parser.add_argument("--out", type=Path, help="with --spec: the folder to write into")
    parser.add_argument("--package", help="with --spec: the package's import name")
    parser.add_argument("--sdk-class", help="with --spec: the SDK class (default: from info.title)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = parser.parse_args(argv)
    if args.spec is not None and (args.out is None or args.package is None or args.check):
        parser.error("--spec needs --out and --package (and no --check)")
    started = time.perf_counter()
    diagnostics = Diagnostics()
    try:
        if args.spec is None:
            code = regenerate_project(args.check, diagnostics, strict=args.strict)
        else:
            count = generate_package(
                args.spec,
                args.out,
                args.package,
                args.sdk_class,
                diagnostics=diagnostics,
                strict=args.strict,
            )
            elapsed = time.perf_counter() - started
            print(f"wrote {count} files to {args.out} in {elapsed:.2f} s")
            code = 0
    except SpecError as error:
        kind = "problem(s) (warnings count with --strict)" if args.strict else "problem(s)"
        print(f"scripts/generate: {len(error.problems)} {kind} in the spec:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        if not args.strict:
            print_warnings(diagnostics)
        return 2
    print_warnings(diagnostics)
    return code


def print_warnings(diagnostics: Diagnostics) -> None:
    """One line per place in the spec (what the loader and the parser found there, each
    once), then how many (stderr)."""
    places: dict[str, list[str]] = {}
    for warning in diagnostics.warnings:
        places.setdefault(warning.pointer, []).append(warning.message)
    for pointer, messages in places.items():
        print(f"warning: {pointer}: {'; '.join(messages)}", file=sys.stderr)
    if places:
        print(
            f"scripts/generate: {len(places)} warning(s); --strict makes them errors",
            file=sys.stderr,
        )


def regenerate_project(check: bool, diagnostics: Diagnostics, *, strict: bool = False) -> int:
    package, settings = load_package(PROJECT_ROOT)
    layout = Layout(
        source_root=settings["source-root"], docs_root=settings["docs-root"], guides=True
    )
    spec = load_spec(PROJECT_ROOT / settings["spec"], diagnostics)
    api, package = parse(spec, package, diagnostics)
    diagnostics.check(strict=strict)
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


def generate_package(
    spec_path: Path,
    out: Path,
    name: str,
    sdk_class: str | None,
    *,
    diagnostics: Diagnostics | None = None,
    strict: bool = False,
) -> int:
    """Write `out/<name>/` (with a copy of this SDK's runtime) and `out/docs/`; nothing
    when there are errors (or, with `strict`, warnings)."""
    diagnostics = Diagnostics() if diagnostics is None else diagnostics
    check_package_name(name, diagnostics)
    check_out(out, name, diagnostics)
    spec = load_spec(spec_path, diagnostics)
    info = spec.get("info")
    info = info if isinstance(info, dict) else {}
    default_class = pascal_case(str(info.get("title", "")) or name)
    package = ir.Package(
        import_name=name,
        distribution=name.replace("_", "-"),
        version=str(info.get("version", "0.1.0")),
        sdk_class=sdk_class
        or (default_class if default_class.endswith("SDK") else f"{default_class}SDK"),
        spec_name=spec_path.name,
    )
    api, package = parse(spec, package, diagnostics)
    diagnostics.check(strict=strict)
    layout = Layout(source_root=".", docs_root="docs")
    files = format_python(render(api, package, layout))
    write(out, files, [layout.code(package), layout.docs_root])
    runtime = out / name / "_runtime"
    if runtime.exists():
        shutil.rmtree(runtime)
    shutil.copytree(RUNTIME, runtime, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (out / name / "py.typed").touch()
    return len(files) + len(list(runtime.glob("*.py")))


def check_package_name(name: str, diagnostics: Diagnostics) -> None:
    """A name `import` accepts and that hides nothing the package or its users import."""
    if not name.isidentifier():
        diagnostics.error("--package", f"{name!r} is not a valid Python package name")
    elif keyword.iskeyword(name):
        diagnostics.error("--package", f"{name!r} is a Python keyword: it cannot be imported")
    elif name in RUNTIME_DEPENDENCIES:
        diagnostics.error(
            "--package", f"{name!r} would hide the {name} package the generated code imports"
        )
    elif name in sys.stdlib_module_names:
        diagnostics.warning(
            "--package",
            f"{name!r} hides the standard library module of that name where it is importable",
        )


def check_out(out: Path, name: str, diagnostics: Diagnostics) -> None:
    """`out` may exist; `out/<name>` only as a package generated before (it is replaced)."""
    if out.exists() and not out.is_dir():
        diagnostics.error("--out", f"{out} exists and is not a folder")
        return
    package = out / name
    if package.exists() and (not package.is_dir() or _hand_written(package)):
        diagnostics.error(
            "--out",
            f"{package} exists and was not written by scripts/generate: choose another "
            "--out or --package, or remove it",
        )


def _hand_written(package: Path) -> bool:
    init = package / "__init__.py"
    if not init.is_file():
        return any(package.iterdir())
    with init.open(encoding="utf-8", errors="replace") as handle:
        return GENERATED_MARK not in handle.readline()


def main_with_deep_stack(argv: list[str] | None = None) -> int:
    """`main()` on a thread with a large stack and recursion limit: schemas are parsed
    recursively along their `$ref`s, and a chain of a few hundred (which real specs can
    have) would pass Python's default limit of 1,000 frames."""
    results: list[int] = []
    threading.stack_size(STACK_BYTES)
    sys.setrecursionlimit(RECURSION_LIMIT)
    thread = threading.Thread(target=lambda: results.append(main(argv)), name="generate")
    thread.start()
    thread.join()
    return results[0] if results else 1  # the thread printed its traceback


if __name__ == "__main__":
    sys.exit(main_with_deep_stack())
