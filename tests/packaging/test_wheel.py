"""The package as PyPI users get it: the sdist holds the sources only, and the built wheel
installs with plain pip into a fresh `python -m venv`, imports, and its `atoma` command
works (`--version`, `images generate --mock`).

The build uses the project's build backend (hatchling, a dev dependency) through its PEP
517 hooks. The venv is made `--without-pip`, and the pip that ships with Python
(ensurepip's wheel, run from the wheel) installs with `--no-index` from a
wheelhouse of the built wheel plus the runtime dependencies repacked from this environment
(`wheelhouse.py`): no network, no cache, the versions uv.lock pins. Installing pip into the
venv and compiling bytecode would triple the time and test nothing of this package.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from wheelhouse import repack_dependencies, runtime_requirements

import atoma_sdk

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
PNG = b"\x89PNG\r\n\x1a\n"


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its stdout, or a failure that shows both streams."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result.stdout


def plain_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: nothing of this project's venv or the SDK's
    variables, pip told not to look anything up."""
    skipped = ("ATOMASDK_", "PYTHON", "PIP_", "VIRTUAL_ENV", "UV_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skipped)}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix)
    )
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1", **extra}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sdist and the wheel, built from the work tree by the project's build backend."""
    out = tmp_path_factory.mktemp("dist")
    started = time.perf_counter()
    hooks = f"import hatchling.build as b; b.build_sdist({str(out)!r}); b.build_wheel({str(out)!r})"
    run(sys.executable, "-c", hooks, cwd=ROOT)
    print(f"\nsdist and wheel built in {time.perf_counter() - started:.1f} s")
    yield out


def only(directory: Path, pattern: str) -> Path:
    (path,) = directory.glob(pattern)
    return path


def test_sdist_holds_the_sources_only(dist: Path) -> None:
    sdist = only(dist, "*.tar.gz")
    prefix = f"atoma_sdk-{atoma_sdk.__version__}/"
    with tarfile.open(sdist) as archive:
        names = {m.name.removeprefix(prefix) for m in archive.getmembers() if m.isfile()}
    package = {n for n in names if n.startswith("src/atoma_sdk/")}
    assert names - package == {
        "PKG-INFO",
        "pyproject.toml",
        "LICENSE",
        "docs/pypi.md",
        ".gitignore",
    }
    assert all(n.endswith((".py", ".typed")) for n in package), sorted(package)
    assert "src/atoma_sdk/py.typed" in package
    source_files = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "src/atoma_sdk").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert package == source_files


def test_wheel_metadata_is_fit_for_pypi(dist: Path) -> None:
    wheel = only(dist, "*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"atoma_sdk-{atoma_sdk.__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "atoma_sdk/py.typed" in names
    assert f"{info}/licenses/LICENSE" in names
    headers, _, description = metadata.partition("\n\n")
    for line in (
        "License-Expression: Apache-2.0",
        "Classifier: Typing :: Typed",
        "Classifier: Programming Language :: Python :: 3.10",
        "Classifier: License :: OSI Approved :: Apache Software License",
        "Requires-Python: >=3.10",
        "Project-URL: Repository, https://github.com/atoma-network/atoma-sdk-python.git",
        "Description-Content-Type: text/markdown",
    ):
        assert line in headers.splitlines()
    assert "Author: " in headers
    assert description.strip() == (ROOT / "docs/pypi.md").read_text().strip()
    assert "scripts/setup" not in description  # users' page, not the developers'


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed by plain pip, offline; its bin directory."""
    tmp_path = tmp_path_factory.mktemp("install")
    wheel = only(dist, "*.whl")
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    (wheelhouse / wheel.name).write_bytes(wheel.read_bytes())
    dependencies = repack_dependencies(runtime_requirements(wheel), wheelhouse)
    print(f"\nwheelhouse: {sorted(p.name for p in dependencies)}")

    env = plain_env()
    started = time.perf_counter()
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    bin_ = venv / ("Scripts" if os.name == "nt" else "bin")
    created = time.perf_counter()
    # The pip that ships with Python (ensurepip's wheel), run from its wheel: what
    # `python -m venv` would install, without spending half a minute installing it.
    pip = [bin_ / "python", ensurepip_pip() / "pip", "install", "--no-index", "--no-compile"]
    run(*pip, "--find-links", wheelhouse, "atoma-sdk", cwd=tmp_path, env=env)
    print(f"venv {created - started:.1f} s, pip install {time.perf_counter() - created:.1f} s")
    return bin_


def ensurepip_pip() -> Path:
    """The pip wheel `python -m venv` installs: bundled with ensurepip, or in the
    distribution's `WHEEL_PKG_DIR` (Debian and Fedora remove the bundled copies)."""
    places = [Path(ensurepip.__file__).parent / "_bundled"]
    if sysconfig.get_config_var("WHEEL_PKG_DIR"):
        places.append(Path(sysconfig.get_config_var("WHEEL_PKG_DIR")))
    wheels = [wheel for place in places for wheel in sorted(place.glob("pip-*.whl"))]
    assert wheels, f"no pip wheel in {places}"
    return wheels[0]


def test_wheel_installs_with_plain_pip_in_a_fresh_venv(installed: Path, tmp_path: Path) -> None:
    env = plain_env()
    started = time.perf_counter()
    where = run(
        installed / "python",
        "-c",
        "import atoma_sdk; print(atoma_sdk.__file__)",
        cwd=tmp_path,
        env=env,
    )
    assert Path(where.strip()).is_relative_to(installed.parent)  # not the work tree
    assert run(installed / "atoma", "--version", cwd=tmp_path, env=env) == (
        f"atoma {atoma_sdk.__version__}\n"
    )
    generate = [installed / "atoma", "images", "generate", "an otter", "--mock", "--size", "32x32"]
    printed = run(*generate, "--out", "otters", cwd=tmp_path, env=env)
    (path,) = printed.splitlines()
    assert (tmp_path / path).parent == tmp_path / "otters"
    assert (tmp_path / path).read_bytes().startswith(PNG)
    print(f"\nimport + --version + generate --mock {time.perf_counter() - started:.1f} s")


#: A user's program: it runs against the mock, and `mistakes` (never called) holds the
#: two slips mypy must catch through the wheel's `py.typed`.
USER_PROGRAM = """\
from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockServer

with MockServer() as server, AtomaSDK(server_url=server.url) as sdk:
    res = sdk.images.generate(model="m", prompt="an otter", size="32x32")
    reveal_type(res.data[0].url)
    print(res.created)


def mistakes(sdk: AtomaSDK) -> None:
    sdk.images.generate(model="m", promt="an otter")
    sdk.images.generate(model="m", prompt="an otter", n="2")
"""


def test_a_users_program_runs_and_type_checks_against_the_installed_wheel(
    installed: Path, tmp_path: Path
) -> None:
    program = tmp_path / "user.py"
    program.write_text(USER_PROGRAM.replace("    reveal_type(res.data[0].url)\n", ""))
    assert run(installed / "python", program, cwd=tmp_path, env=plain_env()).strip().isdigit()

    program.write_text(USER_PROGRAM)
    mypy = Path(sys.executable).with_name("mypy")
    checks = [mypy, "--strict", "--no-error-summary", "--python-executable", installed / "python"]
    result = subprocess.run(
        [str(part) for part in [*checks, "--cache-dir", tmp_path / "cache", program.name]],
        cwd=tmp_path,
        env=plain_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    lines = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    assert lines[0] == 'note: Revealed type is "str | None"', result.stdout
    assert lines[1].startswith('error: Unexpected keyword argument "promt" for "generate"')
    assert 'did you mean "prompt"?' in lines[1]
    assert any(line.startswith('error: Argument "n" to "generate"') for line in lines[2:])
    assert result.returncode == 1
