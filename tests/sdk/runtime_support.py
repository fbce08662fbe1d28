"""Helpers for tests of the runtime alone: an `SDKCore` with made-up settings, calls
described by hand-built `Operation`s (what generated code declares), sync or async."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic

from atoma_sdk._runtime.auth import SecurityScheme
from atoma_sdk._runtime.client import SDKCore, SDKSettings
from atoma_sdk._runtime.models import InputModel
from atoma_sdk._runtime.operation import CallOptions, Operation
from atoma_sdk._runtime.sentinel import UNSET

SERVER = "https://api.test"


class Values(InputModel):
    """Parameter values as a generated parameters model gives them to the runtime."""

    model_config = pydantic.ConfigDict(extra="allow")


def make_core(
    schemes: tuple[SecurityScheme, ...] = (), credentials: Mapping[str, object] | None = None
) -> SDKCore:
    settings = SDKSettings(
        package="runtime_test",
        sdk_name="runtime-test",
        version="1.0",
        servers=(SERVER,),
        schemes=schemes,
        debug_env_var="",
    )
    return SDKCore(
        settings,
        credentials=credentials or {},
        server_url=None,
        server_idx=None,
        url_params=None,
        client=None,
        async_client=None,
        retry_config=UNSET,
        timeout_ms=None,
        debug_logger=None,
    )


async def call(core: SDKCore, operation: Operation[Any], is_async: bool, **values: Any) -> Any:
    """One call of `operation` with parameter `values` (by wire name)."""
    params = Values(**values) if values else None
    if is_async:
        return await core.call_async(operation, None, CallOptions(), params)
    return core.call(operation, None, CallOptions(), params)
