"""Request bodies by media type: a validated body becomes the bytes or stream httpx sends.

One function, `encode_body`, serves every operation; the operation's declared media type
chooses the encoding:

- `application/json` and `*+json`: a request model, or any JSON value, as compact JSON;
- `multipart/form-data`: a request model (or a mapping), one part per field: files as
  file parts, arrays repeated, objects as JSON parts, anything else as text;
- `application/x-www-form-urlencoded`: `a=1&b=x`, arrays repeated, objects spread into
  their properties (OpenAPI's default `style: form, explode: true`);
- `text/*`: a `str`, as UTF-8 (bytes or a binary file, where the spec declares the text
  type's schema a binary string, as they are);
- anything else (`application/octet-stream`, `image/*`, ...): `bytes`, or a binary file.

Files are never read whole into memory: they are read chunk by chunk as the request is
sent, and read again from where they stood for a retry. A body that cannot be read a
second time (a file that cannot seek back) says so (`replayable`), and the retry loop
does not retry it rather than send an empty body.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Annotated, Any, TypeAlias, Union
from urllib.parse import urlencode

import httpx

from .errors import SDKError
from .requests import RESERVED_IN_QUERY, query_pairs

if TYPE_CHECKING:
    from .operation import Encoding, Operation

__all__ = [
    "BodyNotReplayableError",
    "EncodedBody",
    "File",
    "FileContent",
    "FileStream",
    "MultipartStream",
    "encode_body",
]

#: The content of a file part or a binary body: bytes, or a file opened in binary mode.
FileContent: TypeAlias = Union[bytes, IO[bytes]]


def _check_file(value: Any) -> Any:
    """pydantic validator of `File`: accepts the shapes httpx sends as a file part."""
    content = value
    if isinstance(value, tuple):
        shaped = len(value) in (2, 3) and isinstance(value[0], str)
        if not shaped or (len(value) == 3 and not isinstance(value[2], str)):
            raise ValueError("a file tuple is (filename, content) or (filename, content, type)")
        content = value[1]
    if not _is_file_content(content):
        raise ValueError(
            "expected bytes, a file opened in binary mode, or a "
            "(filename, content, content_type) tuple"
        )
    return value


class _FileValidator:
    """pydantic metadata of `File` (pydantic is imported only when a model uses it)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(_check_file)


#: A file part of a `multipart/form-data` body: bytes, a binary file object, or a
#: `(filename, content)` / `(filename, content, content_type)` tuple.
File: TypeAlias = Annotated[
    Union[FileContent, tuple[str, FileContent], tuple[str, FileContent, str]],
    _FileValidator(),
]

#: How much of a file is read at a time while it is sent.
CHUNK_BYTES = 64 * 1024


class BodyNotReplayableError(SDKError):
    """A request body was to be sent again (a retry, a redirect) but had already been read
    from a stream that cannot go back; sending it would send an empty body."""


@dataclass
class EncodedBody:
    """What one request body is on the wire: bytes, or a stream read as it is sent.

    A `stream` is given to the request as its stream, not as content: httpx would wrap
    a file in a sync-only stream, unusable by an async client.
    """

    content: bytes | None = None
    stream: FileStream | MultipartStream | None = None
    headers: dict[str, str] = field(default_factory=dict)


NO_BODY = EncodedBody()


def encode_body(operation: Operation[Any], body: Any) -> EncodedBody:
    """The wire form of `body` (already validated) for the operation's media type."""
    if body is None:
        return NO_BODY
    media_type = operation.body_media_type
    kind = operation.body_kind
    if kind == "json":
        return EncodedBody(_json_bytes(operation, body), headers={"Content-Type": media_type})
    if kind == "multipart":
        return _multipart(_fields(body), operation.encodings)
    if kind == "form":
        encodings = operation.encodings
        pieces = [
            piece
            for name, value in _fields(body)
            for piece in _form_pieces(name, value, encodings.get(name))
        ]
        content = "&".join(pieces).encode("ascii")
        return EncodedBody(content, headers={"Content-Type": media_type})
    if kind == "text":
        if _is_file_content(body):  # a text type whose schema is a binary string
            return _binary(body, media_type)
        text = body if isinstance(body, str) else str(body)
        content_type = media_type if "charset=" in media_type else f"{media_type}; charset=utf-8"
        return EncodedBody(text.encode("utf-8"), headers={"Content-Type": content_type})
    return _binary(body, "application/octet-stream" if "*" in media_type else media_type)


# -- JSON ----------------------------------------------------------------------------------


def _json_bytes(operation: Operation[Any], body: Any) -> bytes:
    """A request model's own bytes, or a validated body that is not an object model."""
    to_json_bytes = getattr(body, "to_json_bytes", None)  # a request model (InputModel)
    if to_json_bytes is not None:
        content: bytes = to_json_bytes()
        return content
    # Only for bodies that are not models (lists, unions): pydantic is loaded by then.
    import pydantic

    from .invalid import invalid_arguments
    from .models import dumps_json

    adapter = operation.body_adapter
    try:
        value = adapter.validate_python(body)
    except pydantic.ValidationError as error:  # the class request models raise, too
        raise invalid_arguments(error, {}) from None
    return dumps_json(adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True))


# -- forms -----------------------------------------------------------------------------------


def _fields(body: Any) -> list[tuple[str, Any]]:
    """(wire name, Python value) of each field given, in declaration order. Values are
    read as attributes, not dumped, so that file objects reach the encoder as they are."""
    if isinstance(body, Mapping):
        return [(str(name), value) for name, value in body.items() if value is not None]
    model_fields: Mapping[str, Any] = getattr(type(body), "model_fields", {})
    given = body.model_fields_set
    return [
        (info.alias or name, getattr(body, name))
        for name, info in model_fields.items()
        if name in given and getattr(body, name) is not None
    ]


def _multipart(fields: list[tuple[str, Any]], encodings: Mapping[str, Encoding]) -> EncodedBody:
    """One part per field (per item of an array), in field order; a part's type is the
    one its value gives, else its `encoding`'s (when it names one type)."""
    parts: list[tuple[bytes, bytes | FileStream]] = []
    for name, value in fields:
        declared = _declared_type(encodings.get(name))
        for item in value if isinstance(value, list) else [value]:
            if _is_file(item):
                parts.append(_file_part(name, item, declared))
            elif _is_structured(item):
                parts.append((_part_headers(name, None, "application/json"), _json_of(item)))
            else:
                text = _scalar_text(item).encode()
                parts.append((_part_headers(name, None, declared), text))
    stream = MultipartStream(parts)
    headers = {"Content-Type": f"multipart/form-data; boundary={stream.boundary}"}
    length = stream.length()
    headers.update(_length_header(length))
    return EncodedBody(stream=stream, headers=headers)


def _declared_type(encoding: Encoding | None) -> str | None:
    """An `encoding`'s content type, when it names one (not `image/*`, not a list)."""
    declared = encoding.content_type if encoding is not None else ""
    return declared if declared and "*" not in declared and "," not in declared else None


def _file_part(name: str, file: Any, declared: str | None) -> tuple[bytes, bytes | FileStream]:
    """A file part: its filename (given, the file's own, else the field name) and type
    (given, else the declared one, else guessed from the filename)."""
    filename: str | None = None
    content_type: str | None = None
    content = file
    if isinstance(file, tuple):
        filename, content = file[0], file[1]
        content_type = file[2] if len(file) == 3 else None
    if filename is None:
        own = getattr(content, "name", None)
        filename = os.path.basename(own) if isinstance(own, str) and own else name
    if content_type is None:
        guessed = mimetypes.guess_type(filename)[0]
        content_type = declared or guessed or "application/octet-stream"
    headers = _part_headers(name, filename, content_type)
    if isinstance(content, (bytes, bytearray, memoryview)):
        return headers, bytes(content)
    return headers, FileStream(_binary_file(content, content_type))


def _part_headers(name: str, filename: str | None, content_type: str | None) -> bytes:
    disposition = f'form-data; name="{_quoted(name)}"'
    if filename is not None:
        disposition += f'; filename="{_quoted(filename)}"'
    lines = [f"Content-Disposition: {disposition}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _quoted(text: str) -> str:
    """A name inside a quoted header parameter, escaped as browsers do (HTML5)."""
    return text.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _form_pieces(name: str, value: Any, encoding: Encoding | None) -> list[str]:
    """A form field as encoded `name=value` pieces: spelled by its `encoding`'s style,
    explode and allowReserved as a query parameter would be (`deepObject`: `meta[k]=v`),
    else as below."""
    if encoding is None or not (
        encoding.style or encoding.explode is not None or encoding.allow_reserved
    ):
        return [urlencode([pair]) for pair in _form_pairs(name, value)]
    from pydantic_core import to_jsonable_python

    style = encoding.style or "form"
    explode = encoding.explode if encoding.explode is not None else style == "form"
    safe = RESERVED_IN_QUERY if encoding.allow_reserved else ""
    return query_pairs(name, to_jsonable_python(_plain(value)), style, explode, safe)


def _form_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    """OpenAPI's default for forms (`style: form, explode: true`)."""
    if isinstance(value, list):
        return [(name, _scalar_text(item)) for item in value]
    if _is_structured(value):
        from pydantic_core import to_jsonable_python

        plain = _plain(value)
        if isinstance(plain, dict):
            return [(str(k), _scalar_text(v)) for k, v in to_jsonable_python(plain).items()]
    return [(name, _scalar_text(value))]


def _is_structured(value: Any) -> bool:
    return isinstance(value, (dict, list)) or hasattr(value, "model_dump")


def _plain(value: Any) -> Any:
    """A model as its JSON-ready dict (fields given, by wire name); anything else as is."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _json_of(value: Any) -> bytes:
    from pydantic_core import to_jsonable_python

    from .models import dumps_json

    return dumps_json(to_jsonable_python(_plain(value)))


def _scalar_text(value: Any) -> str:
    """A form value as text: booleans and null in JSON spelling, enums by value, dates ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if _is_structured(value):
        return _json_of(value).decode("utf-8")
    from pydantic_core import to_jsonable_python

    plain = to_jsonable_python(value)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return "null" if plain is None else str(plain)


# -- files -----------------------------------------------------------------------------------


def _is_file_content(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview)) or callable(
        getattr(value, "read", None)
    )


def _is_file(value: Any) -> bool:
    if isinstance(value, tuple):
        return len(value) in (2, 3) and isinstance(value[0], str) and _is_file_content(value[1])
    return _is_file_content(value)


def _binary(body: Any, content_type: str) -> EncodedBody:
    headers = {"Content-Type": content_type}
    if isinstance(body, (bytes, bytearray, memoryview)):
        return EncodedBody(bytes(body), headers=headers)
    stream = FileStream(_binary_file(body, content_type))
    headers.update(_length_header(stream.length()))
    return EncodedBody(stream=stream, headers=headers)


def _binary_file(file: Any, content_type: str) -> IO[bytes]:
    if isinstance(file, io.TextIOBase) or not callable(getattr(file, "read", None)):
        raise TypeError(
            f"{content_type} content must be bytes or a file opened in binary mode, "
            f"not {type(file).__name__}"
        )
    binary: IO[bytes] = file
    return binary


def _length_header(length: int | None) -> dict[str, str]:
    if length is None:
        return {"Transfer-Encoding": "chunked"}
    return {"Content-Length": str(length)}


class FileStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A binary file sent as a request body (or a part of one), chunk by chunk, for sync
    and async clients.

    Each time it is sent it starts again where the file stood when the call began; a file
    that cannot seek back is sent once (`replayable` is False, so it is not retried), and
    asking for it again raises `BodyNotReplayableError`.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._start: int | None = None
        seekable = getattr(file, "seekable", None)
        if callable(seekable) and seekable():
            self._start = file.tell()
        self._sent = False

    @property
    def replayable(self) -> bool:
        return self._start is not None

    def length(self) -> int | None:
        """Bytes from the start position to the end, when the file can tell."""
        if self._start is None:
            return None
        try:
            size = os.fstat(self._file.fileno()).st_size
        except (AttributeError, OSError, io.UnsupportedOperation):
            end = self._file.seek(0, io.SEEK_END)
            self._file.seek(self._start)
            return end - self._start
        return max(size - self._start, 0)

    def __iter__(self) -> Iterator[bytes]:
        if self._start is not None:
            self._file.seek(self._start)
        elif self._sent:
            raise BodyNotReplayableError(
                "The request body is a stream that was already sent and cannot be read "
                "again; pass bytes or a seekable file to allow retries"
            )
        self._sent = True
        while chunk := self._file.read(CHUNK_BYTES):
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # Reading a local file does not wait on the network: no thread, as in httpx.
        for chunk in self:
            yield chunk


class MultipartStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A `multipart/form-data` body: (part headers, content) pairs between boundaries,
    file contents read as they are sent."""

    def __init__(self, parts: list[tuple[bytes, bytes | FileStream]]) -> None:
        self.boundary = os.urandom(16).hex()
        self._parts = parts

    @property
    def replayable(self) -> bool:
        return all(not isinstance(c, FileStream) or c.replayable for _, c in self._parts)

    def length(self) -> int | None:
        delimiter = len(self.boundary) + 4  # b"--" boundary b"\r\n"
        total = delimiter + 2  # the closing delimiter ends in b"--\r\n"
        for headers, content in self._parts:
            size = len(content) if isinstance(content, bytes) else content.length()
            if size is None:
                return None
            total += delimiter + len(headers) + size + 2
        return total

    def __iter__(self) -> Iterator[bytes]:
        boundary = self.boundary.encode("ascii")
        for headers, content in self._parts:
            yield b"--" + boundary + b"\r\n" + headers
            if isinstance(content, bytes):
                yield content
            else:
                yield from content
            yield b"\r\n"
        yield b"--" + boundary + b"--\r\n"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk
