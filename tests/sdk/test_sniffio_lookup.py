"""Async calls over httpcore do not search `sys.path` for a missing sniffio on every call."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from atoma_sdk import AtomaSDK
from atoma_sdk.mock import MockServer


class _CountingFinder(importlib.abc.MetaPathFinder):
    """Counts lookups of `sniffio` that reach the import system (finds nothing itself)."""

    def __init__(self) -> None:
        self.lookups = 0

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "sniffio":
            self.lookups += 1
        return None


@pytest.fixture
def finder(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CountingFinder]:
    """A process where sniffio was never imported; sys.modules restored afterwards."""
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    counting = _CountingFinder()
    monkeypatch.setattr(sys, "meta_path", [counting, *sys.meta_path])
    yield counting


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


def _sniffio_installed() -> bool:
    return importlib.machinery.PathFinder.find_spec("sniffio") is not None


def test_the_lock_file_installs_no_sniffio() -> None:
    """What the tests below measure: httpx's own dependencies no longer bring sniffio."""
    assert not _sniffio_installed()


async def _three_calls(sdk: AtomaSDK) -> None:
    for _ in range(3):
        await sdk.images.generate_async(model="m", prompt="p", response_format="url")


async def test_the_sdks_async_client_looks_for_a_missing_sniffio_once(
    finder: _CountingFinder, server: MockServer
) -> None:
    async with AtomaSDK(server_url=server.url, bearer_auth="t") as sdk:
        await _three_calls(sdk)
    assert finder.lookups == 1
    assert sys.modules["sniffio"] is None
    with pytest.raises(ImportError):
        importlib.import_module("sniffio")


async def test_a_users_async_client_also_looks_once(
    finder: _CountingFinder, server: MockServer
) -> None:
    async with httpx.AsyncClient() as client:
        sdk = AtomaSDK(server_url=server.url, bearer_auth="t", async_client=client)
        await _three_calls(sdk)
    assert finder.lookups == 1


def test_sync_calls_leave_the_import_system_alone(
    finder: _CountingFinder, server: MockServer
) -> None:
    with AtomaSDK(server_url=server.url, bearer_auth="t") as sdk:
        sdk.images.generate(model="m", prompt="p", response_format="url")
    assert finder.lookups == 0
    assert "sniffio" not in sys.modules


async def test_an_installed_sniffio_is_imported_as_usual(
    finder: _CountingFinder,
    server: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "sniffio.py").write_text(
        "def current_async_library():\n    return 'asyncio'\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    async with AtomaSDK(server_url=server.url, bearer_auth="t") as sdk:
        await _three_calls(sdk)
    module = sys.modules["sniffio"]
    assert module is not None
    assert module.__file__ == str(tmp_path / "sniffio.py")
