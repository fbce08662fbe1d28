"""What a generated method tells the runtime about one API operation and one call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .sentinel import UNSET, OptionalNullable

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .errors import TypedAPIError
    from .retries import RetryConfig

ResponseT = TypeVar("ResponseT")

__all__ = ["CallOptions", "Operation", "Parameter"]


@dataclass(frozen=True)
class Parameter:
    """How one parameter travels (OpenAPI `in`, `style`, `explode`).

    `style` defaults to `simple` in the path and headers, `form` in the query and cookies;
    `explode` defaults to true for `form`, false otherwise (as in OpenAPI).
    """

    name: str  # the wire name
    location: Literal["path", "query", "header", "cookie"]
    style: Literal[
        "", "simple", "label", "matrix", "form", "spaceDelimited", "pipeDelimited", "deepObject"
    ] = ""
    explode: bool | None = None

    @property
    def resolved_style(self) -> str:
        return self.style or ("form" if self.location in ("query", "cookie") else "simple")

    @property
    def exploded(self) -> bool:
        return self.explode if self.explode is not None else self.resolved_style == "form"


@dataclass(frozen=True)
class Operation(Generic[ResponseT]):
    """An operation of the spec, declared once per module by generated code.

    `response_type` is a model class, any other type pydantic can validate (a list, a
    union, a primitive), or None for "no content"; with `stream`, it is the type of each
    server-sent event's data.
    """

    operation_id: str
    method: str
    path: str
    response_type: Any
    requires_auth: bool = True
    #: the security requirements it accepts (alternatives of scheme names used together);
    #: empty: no credentials are sent
    security: tuple[tuple[str, ...], ...] = ()
    parameters: tuple[Parameter, ...] = ()
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    header_params: tuple[str, ...] = ()
    #: query arrays sent comma-separated (`explode: false`) instead of repeated
    comma_joined: tuple[str, ...] = ()
    #: (status pattern such as "404", "4XX" or "default", exception class)
    errors: tuple[tuple[str, type[TypedAPIError]], ...] = ()
    #: the type of a body that is not an object model (validated, then sent as JSON)
    body_type: Any = None
    stream: bool = False
    sentinel: str | None = None

    @cached_property
    def response_adapter(self) -> TypeAdapter[Any]:
        """Built once, on first use, for response types that are not model classes."""
        from pydantic import TypeAdapter

        return TypeAdapter(self.response_type)

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any]:
        from pydantic import TypeAdapter

        return TypeAdapter(self.body_type)

    def parse(self, content: bytes) -> ResponseT:
        """Validate a JSON response (or event) body into `response_type`."""
        parse_model = getattr(self.response_type, "model_validate_json", None)
        if parse_model is not None:
            result: ResponseT = parse_model(content)
            return result
        parsed: ResponseT = self.response_adapter.validate_json(content)
        return parsed


@dataclass(frozen=True)
class CallOptions:
    """The per-call overrides every generated method accepts."""

    retries: OptionalNullable[RetryConfig] = UNSET
    server_url: str | None = None
    timeout_ms: int | None = None
    http_headers: Mapping[str, str] | None = None
    #: the largest response body (decoded) or streamed event to read; None: the SDK's
    max_response_bytes: int | None = None
