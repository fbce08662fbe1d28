"""What only some calls need is loaded when one of them is made, not before.

Each check runs in a fresh interpreter, since this process has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import json, sys
import httpx
from atoma_sdk import AtomaSDK

RESPONSE = {"created": 1, "data": [{"url": "https://example.test/a.png"}]}
EVENTS = (
    b'data: {"type":"image_generation.completed","b64_json":"QQ==","usage":{}}\\n\\n'
    b"data: [DONE]\\n\\n"
)

def answer(request):
    if b'"stream":true' in request.content:
        return httpx.Response(200, content=EVENTS, headers={"content-type": "text/event-stream"})
    return httpx.Response(200, json=RESPONSE)

sdk = AtomaSDK(bearer_auth="t", client=httpx.Client(transport=httpx.MockTransport(answer)))

def loaded(*names):
    return {name: name in sys.modules for name in names}
"""

STREAMING = [
    "atoma_sdk._runtime.sse",
    "atoma_sdk.models.createimagestreamrequest",
    "atoma_sdk.models.imagegenerationstreamevent",
    "atoma_sdk.models.imagecompletedevent",
]
NEVER_FOR_A_CALL = ["atoma_sdk.mock", "atoma_sdk.cli", "atoma_sdk.image_files"]


def run(code: str) -> dict[str, object]:
    script = PRELUDE + textwrap.dedent(code) + "\nprint(json.dumps(result))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_construction_loads_no_pydantic_models_or_resources() -> None:
    result = run(
        """
        result = loaded("pydantic", "atoma_sdk.models", "atoma_sdk.resources.images")
        """
    )
    assert result == {
        "pydantic": False,
        "atoma_sdk.models": False,
        "atoma_sdk.resources.images": False,
    }


def test_a_plain_call_loads_nothing_of_streaming_nor_an_async_client() -> None:
    result = run(
        f"""
        sdk.images.generate(model="m", prompt="p")
        result = loaded(*{STREAMING + NEVER_FOR_A_CALL})
        result["async client"] = sdk._core._async_client is not None
        """
    )
    assert result == dict.fromkeys([*STREAMING, *NEVER_FOR_A_CALL, "async client"], False)


def test_a_streaming_call_loads_what_it_needs() -> None:
    # The counterpart of the test above: the same names do load once they are needed.
    result = run(
        f"""
        with sdk.images.generate_stream(model="m", prompt="p") as events:
            kinds = [type(event).__name__ for event in events]
        result = loaded(*{STREAMING})
        result["kinds"] = kinds
        """
    )
    assert result == {**dict.fromkeys(STREAMING, True), "kinds": ["ImageCompletedEvent"]}


@pytest.mark.parametrize("name", ["CreateImageRequest", "ImageCompletedEvent", "Security"])
def test_every_model_name_resolves_and_is_cached(name: str) -> None:
    result = run(
        f"""
        from atoma_sdk import models
        first = getattr(models, {name!r})
        result = {{"same": models.__dict__[{name!r}] is first, "module": first.__module__}}
        """
    )
    assert result["same"] is True
    assert str(result["module"]).startswith("atoma_sdk.models.")


def test_an_unknown_model_name_is_an_attribute_error() -> None:
    result = run(
        """
        from atoma_sdk import models
        try:
            models.NoSuchModel
        except AttributeError as error:
            result = {"error": str(error)}
        """
    )
    assert result == {"error": "module 'atoma_sdk.models' has no attribute 'NoSuchModel'"}
