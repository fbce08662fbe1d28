"""Fixtures every test folder shares; `tests/` is put on `sys.path` for `shared`."""

from __future__ import annotations

import functools
import ssl
import sys
from pathlib import Path
from typing import Any

import httpx
import httpx._transports.default as httpx_transports
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shared import FakeClock  # importable only once tests/ is on the path

_create_ssl_context = httpx.create_ssl_context


@functools.cache
def _shared_ssl_context(verify: Any, cert: Any, trust_env: bool) -> ssl.SSLContext:
    return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


def _cached_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
    try:
        return _shared_ssl_context(verify, cert, trust_env)
    except TypeError:  # unhashable arguments (an SSLContext, say): nothing to cache
        return _create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


@pytest.fixture(autouse=True)
def _fast_http_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the default TLS context once, not once per `httpx.Client` (~35 ms each).

    Purely a speed-up: no test does TLS (respx answers in-process, the local servers are
    plain HTTP), and every client still gets the context httpx would have built. If httpx
    renames the function, nothing is patched and the tests only get slower.
    """
    monkeypatch.setattr(httpx_transports, "create_ssl_context", _cached_ssl_context, raising=False)


@pytest.fixture(autouse=True)
def _no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not depend on the developer's environment."""
    monkeypatch.delenv("ATOMASDK_BEARER_AUTH", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    """A clock that never sleeps: it records the delays asked of it (see `shared.py`)."""
    return FakeClock()
