"""Property: whatever arguments `images.generate` gets, it either sends exactly one request
whose JSON body matches the spec's `CreateImageRequest` and holds exactly the fields that
were given, or refuses before any I/O with `pydantic.ValidationError` (naming a bad field)
or `TypeError` (an unknown or missing keyword). Never anything else.

Requests go to an `httpx.MockTransport`: no sockets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pydantic
import yaml
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator

from atoma_sdk import AtomaSDK
from atoma_sdk.types import UNSET

SPEC = Path(__file__).resolve().parents[2] / "openapi.yml"
BASE_URL = "https://api.test"
PATH = "/v1/images/generations"
OK_BODY = {"created": 1_700_000_000, "data": [{"url": "https://img.test/1.png"}]}
INT32_MAX = 2**31 - 1

REQUIRED_FIELDS = ("model", "prompt")
OPTIONAL_STR_FIELDS = ("quality", "response_format", "size", "style", "user")
BODY_FIELDS = (*REQUIRED_FIELDS, "n", *OPTIONAL_STR_FIELDS)
#: Every keyword `generate` accepts; any other name must be refused with TypeError.
PARAMETERS = frozenset({*BODY_FIELDS, "retries", "server_url", "timeout_ms", "http_headers"})


def _request_validator() -> OAS31Validator:
    spec = yaml.safe_load(SPEC.read_text())
    schema = spec["components"]["schemas"]["CreateImageRequest"]
    OAS31Validator.check_schema(schema)
    return OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER)


VALIDATOR = _request_validator()


# -- strategies --------------------------------------------------------------------------------


class _Omitted:
    def __repr__(self) -> str:
        return "<omitted>"


#: The argument is not passed at all.
OMITTED: Any = _Omitted()


@dataclass(frozen=True)
class Arg:
    """A value for one keyword, and whether the spec allows it."""

    value: Any
    valid: bool

    def __repr__(self) -> str:
        return f"{self.value!r}{'' if self.valid else ' (invalid)'}"


#: Any unicode, including lone surrogates, control characters and NUL.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)

junk_common: st.SearchStrategy[Any] = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.text(max_size=3)),
    st.builds(object),
)


def valid(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Arg]:
    return strategy.map(lambda value: Arg(value, valid=True))


def invalid(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Arg]:
    return strategy.map(lambda value: Arg(value, valid=False))


omitted = st.just(Arg(OMITTED, valid=True))

#: Per body field: values the spec allows (incl. None for nullable fields and UNSET for
#: optional ones: "leave it out"), and values it does not.
GOOD: dict[str, st.SearchStrategy[Arg]] = {
    "model": valid(any_text),
    "prompt": valid(any_text),
    "n": valid(
        st.one_of(
            st.integers(0, INT32_MAX),
            st.sampled_from([0, 1, INT32_MAX]),
            st.none(),
            st.just(UNSET),
        )
    ),
    **dict.fromkeys(OPTIONAL_STR_FIELDS, valid(st.one_of(any_text, st.none(), st.just(UNSET)))),
}
BAD: dict[str, st.SearchStrategy[Arg]] = {
    # None and UNSET are not allowed for a required field
    "model": invalid(st.one_of(st.none(), st.just(UNSET), st.integers(), junk_common)),
    "prompt": invalid(st.one_of(st.none(), st.just(UNSET), st.integers(), junk_common)),
    "n": invalid(
        st.one_of(
            st.integers(max_value=-1),
            st.integers(min_value=INT32_MAX + 1),
            st.sampled_from([-1, INT32_MAX + 1, 2**63, 2**64 + 1, -(2**63)]),
            any_text,
            junk_common,
        )
    ),
    **dict.fromkeys(OPTIONAL_STR_FIELDS, invalid(st.one_of(st.integers(), junk_common))),
}
unknown_names = st.lists(
    st.one_of(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True),
        st.sampled_from(["seed", "Model", "negative_prompt", "quality_", "timeout", "self"]),
    ).filter(lambda name: name not in PARAMETERS),
    min_size=1,
    max_size=2,
    unique=True,
)


@st.composite
def call_arguments(draw: st.DrawFn) -> tuple[dict[str, Arg], list[str]]:
    """Body arguments (each given a value, or omitted) and unknown keyword names.

    Modes keep every outcome frequent: all valid; valid but for one fault (a bad value,
    a missing required keyword or an unknown one); anything goes.
    """
    mode = draw(st.sampled_from(["valid", "one-fault", "anything"]))
    args: dict[str, Arg] = {}
    for name in BODY_FIELDS:
        choices = [GOOD[name]]
        if name not in REQUIRED_FIELDS:
            choices.append(omitted)
        if mode == "anything":
            choices += [BAD[name], omitted]
        args[name] = draw(st.one_of(choices))
    extra: list[str] = []
    if mode == "anything":
        extra = draw(st.one_of(st.just([]), unknown_names))
    elif mode == "one-fault":
        fault = draw(st.sampled_from([*BODY_FIELDS, "missing", "unknown"]))
        if fault == "missing":
            args[draw(st.sampled_from(REQUIRED_FIELDS))] = Arg(OMITTED, valid=True)
        elif fault == "unknown":
            extra = draw(unknown_names)
        else:
            args[fault] = draw(BAD[fault])
    return args, extra


# -- the SDK against a mock transport -------------------------------------------------------------


@contextmanager
def recording_sdk() -> Iterator[tuple[AtomaSDK, list[httpx.Request]]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=OK_BODY)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        AtomaSDK(bearer_auth="tok", server_url=BASE_URL, client=client) as sdk,
    ):
        yield sdk, sent


# -- the property ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(call_arguments())
@example(({"model": Arg("m", True), "prompt": Arg("p", True)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "n": Arg(INT32_MAX, True)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "n": Arg(INT32_MAX + 1, False)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "n": Arg(True, False)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "n": Arg(1.0, False)}, []))
@example(({"model": Arg(None, False), "prompt": Arg("p", True)}, []))
@example(({"model": Arg("m", True), "prompt": Arg(UNSET, False)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "size": Arg(None, True)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("p", True), "user": Arg(b"u", False)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("\x00é😀", True)}, []))
@example(({"model": Arg("m", True), "prompt": Arg("\ud800\x00é😀", False)}, []))  # not Unicode
@example(({"model": Arg("m", True), "prompt": Arg("p", True)}, ["seed"]))
@example(({"model": Arg(OMITTED, True), "prompt": Arg("p", True)}, []))
def test_generate_sends_a_valid_body_or_refuses_before_io(
    arguments: tuple[dict[str, Arg], list[str]],
) -> None:
    args, extra = arguments
    kwargs = {name: arg.value for name, arg in args.items() if arg.value is not OMITTED}
    kwargs.update(dict.fromkeys(extra, "x"))
    missing = [name for name in REQUIRED_FIELDS if name not in kwargs]
    bad_fields = {name for name, arg in args.items() if not arg.valid}

    with recording_sdk() as (sdk, sent):
        try:
            result = sdk.images.generate(**kwargs)
        except TypeError as error:
            event("TypeError")
            assert sent == [], "a request was sent before the TypeError"
            assert extra or missing, f"unexpected TypeError: {error}"
            assert any(repr(name) in str(error) for name in [*extra, *missing]), str(error)
            return
        except pydantic.ValidationError as error:
            event("ValidationError")
            assert sent == [], "a request was sent before the ValidationError"
            assert not extra and not missing, "expected a TypeError first"
            assert bad_fields, f"valid arguments refused: {error}"
            details = error.errors()
            assert details[0]["loc"][0] in bad_fields, details
            assert {detail["loc"][0] for detail in details} <= bad_fields, details
            return

    event("request sent")
    assert not extra and not missing and not bad_fields, f"accepted invalid arguments: {kwargs}"
    assert result.created == OK_BODY["created"]
    (request,) = sent
    assert request.method == "POST"
    assert request.url == BASE_URL + PATH
    assert request.headers["content-type"] == "application/json"

    body = json.loads(request.content)
    errors = [e.message for e in VALIDATOR.iter_errors(body)]
    assert errors == [], errors
    expected = {name: value for name, value in kwargs.items() if value is not UNSET}
    assert body == expected  # exactly the keys given; None sent as null
    # compact, keys sorted, ASCII-only: byte for byte what atoma-sdk 0.1.3 sends
    assert request.content == json.dumps(expected, separators=(",", ":"), sort_keys=True).encode()
