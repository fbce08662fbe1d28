"""The README's first command: the quickstart example against the bundled mock."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mock_quickstart.py"


def test_quickstart_generates_and_saves_a_png(tmp_path: Path) -> None:
    env = {"PATH": "", "ATOMASDK_BEARER_AUTH": ""}  # no token, nothing inherited
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    response_json, saved_line = result.stdout.rsplit("}\n", 1)
    response = json.loads(response_json + "}")
    assert len(response["data"]) == 1
    assert response["data"][0]["url"].startswith("http://127.0.0.1:")
    assert response["data"][0]["revised_prompt"] == "A cute baby sea otter floating on its back"
    image = (tmp_path / "mock-image.png").read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(image[16:20], "big") == 256  # IHDR width
    assert saved_line.strip() == f"saved {len(image)} bytes of image/png to mock-image.png"
