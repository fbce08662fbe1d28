"""Record the public signatures of atoma-sdk 0.1.3's images API, for
tests/sdk/test_compat_013.py (names, order, kinds and defaults of every parameter).

Run it with an interpreter that has `atoma-sdk==0.1.3` installed (not this project's
environment: both packages are called `atoma_sdk`), for example:

    python -m venv /tmp/sdk013 && /tmp/sdk013/bin/pip install atoma-sdk==0.1.3
    /tmp/sdk013/bin/python scripts/record_013_signatures.py > tests/sdk/data/signatures_013.json
"""

import inspect
import json
import sys
from typing import Any

from atoma_sdk.confidential_images import ConfidentialImages
from atoma_sdk.images import Images

from atoma_sdk import AtomaSDK  # the published 0.1.3
from atoma_sdk.types import UNSET

TARGETS = {
    "AtomaSDK.__init__": AtomaSDK.__init__,
    "images.generate": Images.generate,
    "images.generate_async": Images.generate_async,
    "confidential_images.generate": ConfidentialImages.generate,
    "confidential_images.generate_async": ConfidentialImages.generate_async,
}


def default(value: Any) -> Any:
    """The default as JSON: `UNSET` by name, `"<required>"` for none."""
    if value is inspect.Parameter.empty:
        return "<required>"
    if value is UNSET:
        return "UNSET"
    return value


def describe(function: Any) -> list[list[Any]]:
    parameters = list(inspect.signature(function).parameters.values())[1:]  # no `self`
    return [[p.name, p.kind.name, default(p.default)] for p in parameters]


def main() -> None:
    recorded = {name: describe(function) for name, function in TARGETS.items()}
    json.dump(recorded, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
