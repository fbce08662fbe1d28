"""`cryptography` is loaded by the first confidential call, never by importing the SDK,
building a client, a plain call, or the mock. Each check runs in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import httpx
from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockTransport

seen = []
transport = MockTransport()
with AtomaSDK(bearer_auth="t", client=httpx.Client(transport=transport)) as sdk:
    seen.append("cryptography" in sys.modules)
    sdk.images.generate(model="m", prompt="p", size="8x8")
    seen.append("cryptography" in sys.modules)
    sdk.confidential_images.generate(model="m", prompt="p", size="8x8")
    seen.append("cryptography" in sys.modules)
print(seen)
"""


def test_cryptography_loads_only_for_a_confidential_call() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[False, False, True]"
