"""Spare httpcore a failing `import sniffio` on every async request.

httpcore asks which async library runs by importing `sniffio` each time it sets up a
lock or shields a response's close, several times a call. Recent anyio and httpx no
longer install sniffio, and a failing import is not remembered: each one searches every
`sys.path` entry again, about 1.3 million instructions, a third of an async call.

Before its first async client is used, the SDK records the absence where Python's
import looks first (`sys.modules["sniffio"] = None`): the import then fails at once,
as it would have anyway. A sniffio installed later in the same process is seen only
after `del sys.modules["sniffio"]` or a restart.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["remember_missing_sniffio"]


def remember_missing_sniffio() -> None:
    if "sniffio" in sys.modules:
        return
    if importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
