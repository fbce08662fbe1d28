"""Every code block in README.md and docs/ runs as written, against the bundled mock.

- A ```python block runs as a program of its own, in a fresh folder, with
  `ATOMASDK_SERVER_URL` pointing at a `MockServer`; `test_*` functions it defines are
  called too (the mock guide shows a pytest test).
- A ```sh block runs in bash, `set -e`, with this environment's `atoma` and `python`
  first on PATH; jobs it puts in the background are ended when it ends.
- A ```console block runs its `$ ` lines; what it shows after them must be what they
  print (stdout and stderr together), digits aside (times and names change).

A block that cannot run alone is marked in the Markdown, on the line right before it:
`<!-- fragment -->` for Python that continues the text around it (it is still compiled),
`<!-- not run: <why> -->` for shell commands (installing from PyPI, minutes of benchmarks,
a server that runs until Ctrl-C). The marked blocks are listed by name, not skipped
silently: `test_marked_blocks_say_why`.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from atoma_sdk.mock import MockServer

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
BLOCK = re.compile(
    r"^(?:<!-- (?P<mark>[^\n]*?) -->\n)?```(?P<language>python|sh|console)\n(?P<code>.*?)^```$",
    re.M | re.S,
)


@dataclass(frozen=True)
class Block:
    path: str  # relative to the repository
    line: int  # of the opening fence
    language: str
    code: str
    mark: str | None

    @property
    def name(self) -> str:
        return f"{self.path}:{self.line}"

    def id(self) -> str:
        return self.name


def doc_blocks() -> list[Block]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    blocks = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("language")) + 1
            relative = file.relative_to(ROOT).as_posix()
            language, code, mark = match["language"], match["code"], match["mark"]
            blocks.append(Block(relative, line, language, code, mark))
    return blocks


BLOCKS = doc_blocks()
RUN = [b for b in BLOCKS if b.mark is None]
MARKED = [b for b in BLOCKS if b.mark is not None]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def doc_env(server: MockServer) -> dict[str, str]:
    """A user's environment: no token, the SDK pointed at the mock, this venv on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATOMASDK_")}
    env["ATOMASDK_SERVER_URL"] = server.url
    # A block that installs packages must be marked "not run"; should one slip through,
    # pip refuses rather than changing the machine's Python.
    env.update(PIP_NO_INDEX="1", PIP_REQUIRE_VIRTUALENV="1")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


#: Runs a snippet file, then the `test_*` functions it defines.
PYTHON_RUNNER = """\
import runpy, sys
names = runpy.run_path(sys.argv[1], run_name="__main__")
for name, value in list(names.items()):
    if name.startswith("test_") and callable(value):
        value()
"""


@pytest.mark.parametrize("block", [b for b in RUN if b.language == "python"], ids=Block.id)
def test_python_block_runs(block: Block, server: MockServer, tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(block.code, encoding="utf-8")
    result = run([sys.executable, "-c", PYTHON_RUNNER, str(snippet)], tmp_path, doc_env(server))
    assert result.returncode == 0, f"{block.name}\n{result.stdout}{result.stderr}"
    print(f"\n{block.name}: {result.stdout}", end="")


#: Ends the jobs a shell block leaves in the background (`atoma mock serve ... &`).
END_JOBS = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\nset -euo pipefail\n"


@pytest.mark.parametrize("block", [b for b in RUN if b.language == "sh"], ids=Block.id)
def test_shell_block_runs(block: Block, server: MockServer, tmp_path: Path) -> None:
    result = run(["bash", "-c", END_JOBS + block.code], tmp_path, doc_env(server))
    assert result.returncode == 0, f"{block.name}\n{result.stdout}{result.stderr}"
    print(f"\n{block.name}: {result.stdout}{result.stderr}", end="")


@pytest.mark.parametrize("block", [b for b in RUN if b.language == "console"], ids=Block.id)
def test_console_block_prints_what_it_shows(
    block: Block, server: MockServer, tmp_path: Path
) -> None:
    for command, shown in console_steps(block.code):
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=doc_env(server), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{block.name}: {command}\n{result.stdout}"
        printed = result.stdout.splitlines()
        assert len(printed) == len(shown), f"{block.name}: {command}\n{result.stdout}"
        for want, got in zip(shown, printed, strict=True):
            pattern = r"[0-9]+".join(map(re.escape, re.split(r"[0-9]+", want)))
            assert re.fullmatch(pattern, got), f"{block.name}: {command}\n{want!r}\n{got!r}"


def console_steps(code: str) -> list[tuple[str, list[str]]]:
    """`$ command` lines, each with the lines shown after it."""
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_marked_blocks_say_why() -> None:
    """Each block not run says why; a Python fragment still compiles (top-level `await`
    and `...` allowed)."""
    marks = {b.name: b.mark for b in MARKED}
    print("\nnot run as programs:\n" + "\n".join(f"  {n}: {m}" for n, m in marks.items()))
    for block in MARKED:
        if block.language == "python":
            assert block.mark == "fragment", block.name
            compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        else:
            assert block.mark is not None and re.fullmatch(r"not run: \S.*", block.mark), block.name
    assert len(RUN) > len(MARKED)


def test_every_block_is_found() -> None:
    """No fence the pattern misses: each ```python/sh/console in the docs is a block."""
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    fences = sum(len(re.findall(r"^```(?:python|sh|console)$", f.read_text(), re.M)) for f in files)
    assert fences == len(BLOCKS)
