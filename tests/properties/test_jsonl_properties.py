"""The JSON Lines decoder: any cut of a body into chunks gives the same lines.

A body of JSON values, one a line, with LF or CRLF line ends, blank and whitespace-only
lines between them, maybe a byte order mark before the first and maybe no newline after
the last, is cut anywhere (inside a CRLF, the BOM or a UTF-8 character): the decoder
gives the values, numbered as the body's lines, whatever the cuts. The size cap too
refuses the same line whatever the cuts, after the same lines.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from atoma_sdk._runtime.errors import ResponseTooLargeError
from atoma_sdk._runtime.jsonl import JSONLinesDecoder, RawLine

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_BLANK = st.sampled_from([b"", b" ", b"\t", b"\r", b" \r"])
_END = st.sampled_from([b"\n", b"\r\n"])


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, Any]]]:
    """A body, and the values it holds with their line numbers."""
    parts: list[bytes] = [b"\xef\xbb\xbf"] if draw(st.booleans()) else []
    expected: list[tuple[int, Any]] = []
    number = 0
    for value in draw(st.lists(_VALUES, max_size=6)):
        for _ in range(draw(st.integers(0, 2))):
            number += 1
            parts.append(draw(_BLANK) + draw(_END))
        number += 1
        expected.append((number, value))
        parts.append(json.dumps(value, ensure_ascii=draw(st.booleans())).encode() + draw(_END))
    if expected and draw(st.booleans()):
        parts[-1] = parts[-1].rstrip(b"\r\n")  # the last line without its newline
    return b"".join(parts), expected


def cut(body: bytes, points: list[int]) -> list[bytes]:
    edges = [0, *sorted(p % (len(body) + 1) for p in points), len(body)]
    return [body[a:b] for a, b in pairwise(edges)]


def decode(chunks: list[bytes], cap: int = 1 << 20) -> list[RawLine]:
    decoder = JSONLinesDecoder(cap)
    found = [line for chunk in chunks for line in decoder.feed(chunk)]
    last = decoder.end()
    return found + ([last] if last is not None else [])


@settings(max_examples=150, deadline=None)
@given(bodies(), st.lists(st.integers(0, 10_000), max_size=8))
def test_any_cut_gives_the_same_values(
    body: tuple[bytes, list[tuple[int, Any]]], points: list[int]
) -> None:
    raw, expected = body
    lines = decode(cut(raw, points))
    assert lines == decode([raw])
    assert [(number, json.loads(line)) for number, line in lines] == expected


def decode_until_refused(chunks: list[bytes], cap: int) -> tuple[list[RawLine], bool]:
    """The lines given before the decoder refused a line (if it did), and whether it did."""
    decoder = JSONLinesDecoder(cap)
    found: list[RawLine] = []
    try:
        for chunk in chunks:
            found += decoder.feed(chunk)
        last = decoder.end()
    except ResponseTooLargeError:
        return found, True
    return found + ([last] if last is not None else []), False


@settings(max_examples=100, deadline=None)
@given(bodies(), st.lists(st.integers(0, 10_000), max_size=8), st.integers(1, 40))
def test_the_cap_refuses_the_same_line_whatever_the_cuts(
    body: tuple[bytes, list[tuple[int, Any]]], points: list[int], cap: int
) -> None:
    """The lines before the first one over the cap arrive, then the error; or all of them."""
    raw, _ = body
    sizes = [len(line) for line in raw.split(b"\n")]
    first_over = next((n for n, size in enumerate(sizes, 1) if size > cap), None)
    everything = decode([raw])
    if first_over is None:
        assert decode_until_refused(cut(raw, points), cap) == (everything, False)
    else:
        before = [line for line in everything if line[0] < first_over]
        assert decode_until_refused(cut(raw, points), cap) == (before, True)
