"""The README's first command: the `atoma` CLI against the bundled mock, saving a PNG."""

import shutil
import subprocess
import sys
from pathlib import Path

ATOMA = Path(sys.executable).with_name("atoma")
SIZE_AND_OUT = ("--size", "256x256", "--out", "mock-images")


def test_main_job_generates_and_saves_a_png(tmp_path: Path) -> None:
    assert ATOMA.exists() or shutil.which("atoma"), "the console script is installed"
    result = subprocess.run(
        [str(ATOMA), "images", "generate", "A cute baby sea otter", "--mock", *SIZE_AND_OUT],
        cwd=tmp_path,
        env={"PATH": "", "ATOMASDK_BEARER_AUTH": ""},  # no token, nothing inherited
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (printed,) = result.stdout.splitlines()
    path = tmp_path / printed
    assert path.parent == tmp_path / "mock-images"
    assert path.suffix == ".png"
    image = path.read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(image[16:20], "big") == 256  # IHDR width
    assert int.from_bytes(image[20:24], "big") == 256  # IHDR height


def test_quickstart_example_runs(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "mock_quickstart.py"
    result = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env={"PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mock-image.png").read_bytes().startswith(b"\x89PNG")
    assert result.stdout.rstrip().endswith("to mock-image.png")
