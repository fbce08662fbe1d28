"""Any text in a parameter reaches the server as that text: the runtime's placement
(`place_parameters`) percent-encodes values but not the delimiters a style adds, so a
server decoding the request the usual way gets every value back."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from atoma_sdk._runtime.operation import Operation, Parameter
from atoma_sdk._runtime.requests import cookie_header, place_parameters, query_string

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
words = st.lists(texts, min_size=1, max_size=4)


def placed(param: Parameter, value: Any, path: str = "/x") -> Any:
    return place_parameters(Operation("op", "GET", path, None, parameters=(param,)), {"v": value})


def sent_query(pairs: list[str]) -> list[tuple[str, str]]:
    """The query as a server reads it, after httpx built the URL."""
    url = httpx.URL("https://api.test/x").copy_with(query=query_string(pairs))
    return parse_qsl(url.query.decode("ascii"), keep_blank_values=True)


@settings(max_examples=60, deadline=None)
@given(words)
def test_exploded_query_arrays_arrive_item_by_item(values: list[str]) -> None:
    assert sent_query(placed(Parameter("v", "query"), values).query) == [("v", v) for v in values]


@settings(max_examples=60, deadline=None)
@given(words)
def test_comma_joined_query_arrays_split_back_at_raw_commas(values: list[str]) -> None:
    """A comma inside a value is encoded, so the raw commas are exactly the delimiters."""
    raw = query_string(placed(Parameter("v", "query", "form", False), values).query).decode()
    key, joined = raw.split("=", 1)
    assert key == "v"
    assert [unquote(piece) for piece in joined.split(",")] == values


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from([("pipeDelimited", "|"), ("spaceDelimited", " ")]))
def test_pipe_and_space_joined_arrays_split_back(data: st.DataObject, style: Any) -> None:
    """These styles cannot tell a delimiter from the same character in a value (OpenAPI
    says so): values without it come back."""
    name, delimiter = style
    values = data.draw(st.lists(texts.filter(lambda t: delimiter not in t), min_size=1, max_size=4))
    param = Parameter("v", "query", name, False)
    ((key, joined),) = sent_query(placed(param, values).query)
    assert key == "v"
    assert joined.split(delimiter) == values


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(texts.filter(bool), texts, min_size=1, max_size=4))
def test_deep_objects_arrive_key_by_key(value: dict[str, str]) -> None:
    param = Parameter("v", "query", "deepObject", True)
    assert sent_query(placed(param, value).query) == [(f"v[{k}]", v) for k, v in value.items()]


@settings(max_examples=60, deadline=None)
@given(words)
def test_path_segments_hold_their_values(values: list[str]) -> None:
    path = placed(Parameter("v", "path"), values, "/x/{v}/y").path
    url = httpx.URL("https://api.test" + path)
    segment = url.raw_path.decode("ascii").split("/")[2]
    assert [unquote(piece) for piece in segment.split(",")] == values


@settings(max_examples=60, deadline=None)
@given(texts)
def test_cookie_values_are_header_safe_and_decode_back(value: str) -> None:
    header = cookie_header(placed(Parameter("v", "cookie"), value).cookies)
    assert header.isascii() and header.isprintable() and ";" not in header
    assert unquote(header.split("=", 1)[1]) == value
