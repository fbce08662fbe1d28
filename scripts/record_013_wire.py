"""Record what atoma-sdk 0.1.3 puts on the wire, for tests/sdk/test_compat_013.py.

Run it with an interpreter that has `atoma-sdk==0.1.3` and `respx` installed (not this
project's environment: both packages are called `atoma_sdk`), for example:

    uv venv /tmp/sdk013 && uv pip install --python /tmp/sdk013/bin/python atoma-sdk==0.1.3 respx
    /tmp/sdk013/bin/python scripts/record_013_wire.py > tests/sdk/data/wire_013.json

The cases are shared with the test through tests/sdk/data/wire_cases.json.
"""

import json
import sys
from pathlib import Path

import httpx
import respx

from atoma_sdk import AtomaSDK  # the published 0.1.3

CASES = Path(__file__).resolve().parents[1] / "tests" / "sdk" / "data" / "wire_cases.json"
RESPONSE = {"created": 1, "data": [{"url": "https://example.test/a.png"}]}


def record(arguments: dict[str, object]) -> dict[str, object]:
    with respx.mock(base_url="https://api.atoma.network") as router:
        route = router.post("/v1/images/generations").respond(200, json=RESPONSE)
        with AtomaSDK(bearer_auth="test-token") as sdk:
            sdk.images.generate(**arguments)  # type: ignore[arg-type]
        request: httpx.Request = route.calls.last.request
    headers = {k: v for k, v in request.headers.items() if k not in ("user-agent",)}
    return {
        "method": request.method,
        "url": str(request.url),
        "headers": headers,
        "body": request.content.decode(),
    }


def main() -> None:
    cases = json.loads(CASES.read_text())
    recorded = {name: record(arguments) for name, arguments in cases.items()}
    json.dump(recorded, sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
