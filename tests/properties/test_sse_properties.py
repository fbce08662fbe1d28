"""The SSE decoder's block fast paths against the format's line-by-line rules.

The decoder takes shortcuts for the usual stream (every event one `data: ...` line). For
any stream of fields, comments, blank lines and line endings, cut into chunks anywhere
(even inside a UTF-8 character), it must return exactly what the plain rules give.
"""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from atoma_sdk._runtime.sse import SSEDecoder

Event = tuple[str, "str | None", "str | None", "int | None"]

_TEXT = st.text(
    st.characters(blacklist_characters="\r\n\0", blacklist_categories=("Cs",)), max_size=12
)
_LINE = st.one_of(
    _TEXT.map(lambda t: "data: " + t),
    _TEXT.map(lambda t: "data:" + t),
    st.just("data"),
    _TEXT.map(lambda t: "event: " + t),
    st.sampled_from(["id: 7", "id: x\0y", "id:", "retry: 250", "retry: soon"]),
    _TEXT.map(lambda t: ":" + t),
    st.just(""),
    st.just(""),
)


def reference(stream: str) -> list[Event]:
    """The event-stream rules, one line at a time (the unterminated tail is not a line)."""
    events: list[Event] = []
    data: list[str] = []
    event: str | None = None
    retry: int | None = None
    last_id: str | None = None
    for line in re.split(r"\r\n|\r|\n", stream)[:-1]:
        if not line:
            if data:
                events.append(("\n".join(data), event, last_id, retry))
            data, event, retry = [], None, None
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value.isdigit():
            retry = int(value)
    return events


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(_LINE, max_size=30),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=30, max_size=30),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
)
def test_decoder_matches_the_line_rules(
    lines: list[str], endings: list[str], cuts: list[int]
) -> None:
    stream = "".join(
        line + ending for line, ending in zip(lines, endings[: len(lines)], strict=True)
    )
    body = stream.encode()
    points = sorted({min(c, len(body)) for c in cuts} | {0, len(body)})
    decoder = SSEDecoder()
    events = [event for start, stop in pairwise(points) for event in decoder.feed(body[start:stop])]
    decoder.end()
    assert events == reference(stream)


@settings(max_examples=200, deadline=None)
@given(datas=st.lists(_TEXT, min_size=1, max_size=20), chunk=st.integers(1, 64))
def test_the_usual_stream_in_any_chunking(datas: list[str], chunk: int) -> None:
    """Single-line data events only: the fast path's own case, cut every `chunk` bytes."""
    stream = "".join(f"data: {d}\n\n" for d in datas)
    body = stream.encode()
    decoder = SSEDecoder()
    events = [e for i in range(0, len(body), chunk) for e in decoder.feed(body[i : i + chunk])]
    assert events == [(d, None, None, None) for d in datas]
    assert not decoder.end()
