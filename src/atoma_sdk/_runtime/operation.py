"""What a generated method tells the runtime about one API operation and one call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .sentinel import UNSET, OptionalNullable

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .errors import TypedAPIError
    from .retries import RetryConfig
    from .servers import Server

ResponseT = TypeVar("ResponseT")

#: (status pattern such as "404", "4XX" or "default", exception class) of each error body
DeclaredErrors = tuple[tuple[str, "type[TypedAPIError]"], ...]

__all__ = [
    "UTF8_BOM",
    "CallOptions",
    "Encoding",
    "MediaKind",
    "Operation",
    "Parameter",
    "media_kind",
]

#: RFC 8259 lets a JSON parser ignore a byte order mark before the text (Python's `json`
#: and httpx's `Response.json()` do); some servers send one.
UTF8_BOM = b"\xef\xbb\xbf"


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
    #: its key among the validated values when another parameter has the same wire name
    #: (`id` in the path and in the query); "": the wire name
    key: str = ""
    #: "application/json": sent as JSON text (OpenAPI `content` instead of `schema`)
    media_type: str = ""
    #: OpenAPI `allowReserved`: a query value's reserved characters are not percent-encoded
    allow_reserved: bool = False

    @property
    def resolved_style(self) -> str:
        return self.style or ("form" if self.location in ("query", "cookie") else "simple")

    @property
    def exploded(self) -> bool:
        return self.explode if self.explode is not None else self.resolved_style == "form"


@dataclass(frozen=True)
class Encoding:
    """How one property of a form or multipart body is written (OpenAPI `encoding`):
    a multipart part's type when its value gives none; a form value's `style`,
    `explode` and `allowReserved`, as a query parameter's (`deepObject`: `meta[k]=v`)."""

    name: str  # the wire name
    content_type: str = ""
    style: Literal["", "form", "spaceDelimited", "pipeDelimited", "deepObject"] = ""
    explode: bool | None = None
    allow_reserved: bool = False  # a form value's reserved characters are not encoded


@dataclass(frozen=True)
class Operation(Generic[ResponseT]):
    """An operation of the spec, declared once per module by generated code.

    `response_type` is a model class, any other type pydantic can validate (a list, a
    union, a primitive), or None for "no content"; with `stream`, it is the type of each
    server-sent event (its data, or the whole event with `whole_event`), or of each line
    with `json_lines`.
    """

    operation_id: str
    method: str
    path: str
    response_type: Any
    #: the security requirements it accepts (alternatives of scheme names used together);
    #: empty: no credentials are sent
    security: tuple[tuple[str, ...], ...] = ()
    parameters: tuple[Parameter, ...] = ()
    #: (status pattern such as "404", "4XX" or "default", exception class), or a function
    #: giving them (generated code's: an error body's models, which may be many, are
    #: imported when an error arrives, not on the first call)
    errors: DeclaredErrors | Callable[[], DeclaredErrors] = ()
    #: the type of a body that is not an object model (validated, then encoded)
    body_type: Any = None
    #: how the body is encoded (see bodies.py): JSON, multipart, form, text or raw bytes
    body_media_type: str = "application/json"
    #: form and multipart bodies: the properties with an `encoding`
    body_encoding: tuple[Encoding, ...] = ()
    #: the success response's media type: JSON is parsed into `response_type`, `text/*`
    #: is returned as `str`, anything else as `bytes`
    response_media_type: str = "application/json"
    stream: bool = False
    sentinel: str | None = None
    #: with `stream`: `response_type` describes the whole event (a model with `data` and
    #: some of `event`, `id`, `retry`), not only its data
    whole_event: bool = False
    #: with `stream`: each event's data is plain text, not JSON
    text_data: bool = False
    #: with `stream`: the body is JSON Lines (of `response_media_type`), each line an
    #: item of `response_type`, not server-sent events
    json_lines: bool = False
    #: other success statuses ("201", "2XX") whose body is of another type than
    #: `response_type` (None: no content)
    status_types: tuple[tuple[str, Any], ...] = ()
    #: the operation's own servers (OpenAPI path- or operation-level `servers`), used
    #: instead of the SDK's unless a call passes `server_url`
    servers: tuple[Server, ...] = ()
    #: the 3XX statuses ("302", "3XX") it declares: answered with one of them, the call
    #: returns a `Redirect` instead of raising (methods reading the body whole only)
    redirects: tuple[str, ...] = ()

    def declared_errors(self) -> DeclaredErrors:
        return self.errors() if callable(self.errors) else self.errors

    def declares_redirect(self, status: int) -> bool:
        """`status` is a redirect the operation declares as an answer."""
        return str(status) in self.redirects or (300 <= status < 400 and "3XX" in self.redirects)

    def for_status(self, status: int) -> Operation[ResponseT]:
        """The operation as it reads a success of `status`: with that status's type."""
        if not self.status_types:
            return self
        variants = self._status_variants
        return variants.get(str(status)) or variants.get(f"{status // 100}XX") or self

    @cached_property
    def _status_variants(self) -> dict[str, Operation[ResponseT]]:
        return {
            status: replace(self, response_type=response_type, status_types=())
            for status, response_type in self.status_types
        }

    @cached_property
    def encodings(self) -> dict[str, Encoding]:
        """`body_encoding` by property wire name."""
        return {encoding.name: encoding for encoding in self.body_encoding}

    @cached_property
    def response_adapter(self) -> TypeAdapter[Any]:
        """Built once, on first use, for response types that are not model classes."""
        from pydantic import TypeAdapter

        return TypeAdapter(self.response_type)

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any]:
        from pydantic import TypeAdapter

        return TypeAdapter(self.body_type)

    @cached_property
    def response_kind(self) -> MediaKind:
        return media_kind(self.response_media_type)

    @cached_property
    def body_kind(self) -> MediaKind:
        return media_kind(self.body_media_type)

    @cached_property
    def event_data_adapter(self) -> TypeAdapter[Any] | None:
        """For a whole-event model: the type of its `data` field, to parse the data in JSON
        mode as a data-only event would be (None for a union of event models)."""
        from pydantic import TypeAdapter

        fields: Mapping[str, Any] = getattr(self.response_type, "model_fields", {})
        for name, info in fields.items():
            if (info.alias or name) == "data":
                return TypeAdapter(info.annotation)
        return None

    def parse(self, content: bytes) -> ResponseT:
        """Validate a JSON response (or event) body into `response_type`."""
        content = content.removeprefix(UTF8_BOM)
        parse_model = getattr(self.response_type, "model_validate_json", None)
        if parse_model is not None:
            result: ResponseT = parse_model(content)
            return result
        parsed: ResponseT = self.response_adapter.validate_json(content)
        return parsed

    def parse_event(
        self, data: str, event: str | None, event_id: str | None, retry: int | None
    ) -> ResponseT:
        """One server-sent event as `response_type`: its data alone, or the whole event."""
        if not self.whole_event:
            if self.text_data:
                text: ResponseT = self.response_adapter.validate_python(data)
                return text
            return self.parse(data.encode())
        adapter = self.event_data_adapter
        payload: Any
        if self.text_data:
            payload = data
        elif adapter is not None:
            payload = adapter.validate_json(data)
        else:  # a union of whole events: the data is JSON, or text for some members
            import json

            try:
                payload = json.loads(data)
            except ValueError:
                payload = data
        fields = {"data": payload, "event": event, "id": event_id, "retry": retry}
        given = {name: value for name, value in fields.items() if value is not None}
        validate = getattr(self.response_type, "model_validate", None)
        if validate is not None:
            result: ResponseT = validate(given)
            return result
        parsed: ResponseT = self.response_adapter.validate_python(given)
        return parsed


#: How a media type's content is read or written.
MediaKind = Literal["json", "text", "multipart", "form", "binary"]


def media_kind(media_type: str) -> MediaKind:
    """`json` for `application/json` and every `+json` type; `text` for `text/*`; forms;
    `binary` for anything else (`application/octet-stream`, `image/png`, `audio/*`, ...)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence == "application/json" or essence.endswith("+json"):
        return "json"
    if essence.startswith("text/"):
        return "text"
    if essence == "multipart/form-data":
        return "multipart"
    if essence == "application/x-www-form-urlencoded":
        return "form"
    return "binary"


@dataclass(frozen=True)
class CallOptions:
    """The per-call overrides every generated method accepts."""

    retries: OptionalNullable[RetryConfig] = UNSET
    server_url: str | None = None
    timeout_ms: int | None = None
    http_headers: Mapping[str, str] | None = None
    #: the largest response body (decoded) or streamed event to read; None: the SDK's
    max_response_bytes: int | None = None
    #: escape hatches for what the spec does not know yet, added after validation:
    #: headers applied after `http_headers` (so they win), query parameters appended to
    #: the URL's, and keys set in a JSON object body (replacing fields of the same name)
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
