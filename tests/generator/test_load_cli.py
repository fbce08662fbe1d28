"""`scripts/generate` as a user runs it: warnings printed once after generating, `--strict`,
exit codes, the checks on `--package` and `--out`, a spec split over several files, and
output that is the same byte for byte from one run to the next."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path

import httpx
import pytest
from generator.__main__ import PROJECT_ROOT, generate_package, main
from generator.diagnostics import Diagnostics, SpecError
from generator.load import load_package, load_spec
from generator.parse import parse

GENERATE = PROJECT_ROOT / "scripts" / "generate"
MULTIFILE = Path(__file__).parent / "specs" / "multifile" / "openapi.yml"

ARRAY_DEFAULT = """\
openapi: 3.1.0
info: {title: Chat, version: 1.0.0}
paths:
  /chat:
    post:
      operationId: chat_create
      tags: [chat]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ChatRequest'}
      responses:
        '204': {description: ok}
components:
  schemas:
    ChatRequest:
      type: object
      required: [prompt]
      properties:
        prompt: {type: string}
        stop:
          type: [array, 'null']
          items: {type: string}
          default: '[]'
"""
STOP_DEFAULT = "#/components/schemas/ChatRequest/properties/stop/default"


def run(*args: str | Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GENERATE), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_warnings_are_printed_once_after_generating(tmp_path: Path) -> None:
    """One line per place in the spec: what the validator and the parser found there."""
    spec = tmp_path / "chat.yml"
    spec.write_text(ARRAY_DEFAULT, encoding="utf-8")
    result = run("--spec", spec, "--out", tmp_path / "out", "--package", "chat")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote ")
    lines = result.stderr.splitlines()
    warnings = [line for line in lines if line.startswith("warning: ")]
    (stop,) = [line for line in warnings if line.startswith(f"warning: {STOP_DEFAULT}: ")]
    assert stop.startswith(
        f"warning: {STOP_DEFAULT}: the default does not match its schema: '[]' is not of type "
        "'array', 'null'"
    )
    pointers = [line.split(": ", 2)[1] for line in warnings]
    assert len(set(pointers)) == len(pointers)
    assert lines[-1] == f"scripts/generate: {len(warnings)} warning(s); --strict makes them errors"
    assert (tmp_path / "out" / "chat" / "sdk.py").is_file()


def test_strict_makes_warnings_errors_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "chat.yml"
    spec.write_text(ARRAY_DEFAULT, encoding="utf-8")
    out = tmp_path / "out"
    result = run("--spec", spec, "--out", out, "--package", "chat", "--strict")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    header, *problems = result.stderr.splitlines()
    assert header == (
        f"scripts/generate: {len(problems)} problem(s) (warnings count with --strict) in the spec:"
    )
    assert (
        f"  {STOP_DEFAULT}: the default does not match its schema: '[]' is not of type "
        + ("'array', 'null'")
        in problems
    )
    assert not out.exists()


def test_errors_are_listed_together_with_warnings_after_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "chat.yml"
    spec.write_text(
        ARRAY_DEFAULT.replace("prompt: {type: string}", "prompt: {$ref: missing.yml}"),
        encoding="utf-8",
    )
    code = main(["--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "class"])
    lines = capsys.readouterr().err.splitlines()
    assert code == 2
    assert lines[0] == "scripts/generate: 2 problem(s) in the spec:"
    assert lines[1] == "  --package: 'class' is a Python keyword: it cannot be imported"
    assert lines[2].startswith(
        "  #/components/schemas/ChatRequest/properties/prompt: $ref 'missing.yml': cannot read "
        "missing.yml: "
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "severity", "message"),
    [
        ("1chat", "error", "'1chat' is not a valid Python package name"),
        ("lambda", "error", "'lambda' is a Python keyword: it cannot be imported"),
        (
            "pydantic",
            "error",
            "'pydantic' would hide the pydantic package the generated code imports",
        ),
        (
            "json",
            "warning",
            "'json' hides the standard library module of that name where it is importable",
        ),
    ],
)
def test_package_names_that_cannot_work_are_refused(
    tmp_path: Path, name: str, severity: str, message: str
) -> None:
    spec = tmp_path / "chat.yml"
    spec.write_text(ARRAY_DEFAULT, encoding="utf-8")
    diagnostics = Diagnostics()
    if severity == "error":
        with pytest.raises(SpecError) as caught:
            generate_package(spec, tmp_path / "out", name, None, diagnostics=diagnostics)
        assert f"--package: {message}" in str(caught.value)
        assert not (tmp_path / "out").exists()
    else:
        generate_package(spec, tmp_path / "out", name, None, diagnostics=diagnostics)
        assert f"--package: {message}" in [str(p) for p in diagnostics.warnings]


def test_out_may_exist_but_not_hold_someone_elses_package(tmp_path: Path) -> None:
    spec = tmp_path / "chat.yml"
    spec.write_text(ARRAY_DEFAULT, encoding="utf-8")
    out = tmp_path / "out"
    assert run("--spec", spec, "--out", out, "--package", "chat").returncode == 0
    assert run("--spec", spec, "--out", out, "--package", "chat").returncode == 0  # again

    hand_written = out / "mine"
    hand_written.mkdir()
    (hand_written / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    result = run("--spec", spec, "--out", out, "--package", "mine")
    assert result.returncode == 2
    assert f"--out: {hand_written} exists and was not written by scripts/generate" in (
        result.stderr
    )
    assert tree(hand_written) == {"__init__.py": b"VALUE = 1\n"}

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    result = run("--spec", spec, "--out", a_file, "--package", "chat")
    assert (result.returncode, f"--out: {a_file} exists and is not a folder") == (
        2,
        result.stderr.splitlines()[1].strip(),
    )


def test_a_spec_split_over_several_files_generates_a_working_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diagnostics = Diagnostics()
    generate_package(MULTIFILE, tmp_path, "kennel_multifile", None, diagnostics=diagnostics)
    assert not diagnostics.errors
    # problems inside bundled objects point into the file that holds them
    assert all(not p.pointer.startswith("#/components/schemas/Tag") for p in diagnostics.problems)
    monkeypatch.syspath_prepend(str(tmp_path))
    kennel = importlib.import_module("kennel_multifile")
    models = importlib.import_module("kennel_multifile.models")

    def answer(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path, request.url.params["limit"]) == (
            "GET",
            "/pets",
            "2",
        )
        pet = {"id": "1", "name": "Rex", "owner": {"name": "Al", "friends": [{"name": "Bo"}]}}
        return httpx.Response(200, json=[{**pet, "tags": [{"label": "good"}]}])

    with kennel.KennelSDK(client=httpx.Client(transport=httpx.MockTransport(answer))) as sdk:
        (listing,) = [n for n in dir(sdk.pets) if n.startswith("list") and "async" not in n]
        (pet,) = getattr(sdk.pets, listing)(limit=2)
    assert isinstance(pet, models.Pet) and isinstance(pet.owner, models.Owner)
    assert (pet.owner.friends[0].name, pet.tags[0].label) == ("Bo", "good")
    assert type(pet.tags[0]) is models.Tag  # its name, though pydantic has a `Tag` too
    assert {"Error", "CommonError"} <= set(dir(models))


def test_output_is_byte_identical_from_run_to_run(tmp_path: Path) -> None:
    for seed, out in (("1", tmp_path / "a"), ("4242", tmp_path / "b")):
        result = run("--spec", MULTIFILE, "--out", out, "--package", "kennel", seed=seed)
        assert result.returncode == 0, result.stderr
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_this_projects_spec_loads_and_parses_without_warnings() -> None:
    """What `scripts/generate --check` prints: no warning for openapi.yml."""
    package, settings = load_package(PROJECT_ROOT)
    diagnostics = Diagnostics()
    parse(load_spec(PROJECT_ROOT / settings["spec"], diagnostics), package, diagnostics)
    assert [str(p) for p in diagnostics.problems] == []
