"""What a generated method tells the runtime about one API operation and one call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from .sentinel import UNSET, OptionalNullable

if TYPE_CHECKING:
    from .models import OutputModel
    from .retries import RetryConfig

ResponseT = TypeVar("ResponseT", bound="OutputModel")

__all__ = ["CallOptions", "Operation"]


@dataclass(frozen=True)
class Operation(Generic[ResponseT]):
    """An operation of the spec, declared once per module by generated code."""

    operation_id: str
    method: str
    path: str
    response_model: type[ResponseT]
    requires_auth: bool = True


@dataclass(frozen=True)
class CallOptions:
    """The per-call overrides every generated method accepts."""

    retries: OptionalNullable[RetryConfig] = UNSET
    server_url: str | None = None
    timeout_ms: int | None = None
    http_headers: Mapping[str, str] | None = None
