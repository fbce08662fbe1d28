"""The JSON Lines decoder on the edges of its format: line ends split across chunks, the
byte order mark, blank lines, the last line without a newline, and the size cap (a line
over it refused as soon as it passes it, even one that never ends)."""

from __future__ import annotations

import time

import pytest

from atoma_sdk._runtime.errors import ResponseTooLargeError
from atoma_sdk._runtime.jsonl import JSONLinesDecoder


def test_lines_are_numbered_as_the_body_has_them() -> None:
    decoder = JSONLinesDecoder()
    assert decoder.feed(b'{"a":1}\n\n  \n[2]\r\n"three"') == [(1, b'{"a":1}'), (4, b"[2]")]
    assert decoder.end() == (5, b'"three"')


def test_a_crlf_split_across_chunks() -> None:
    decoder = JSONLinesDecoder()
    assert decoder.feed(b"1\r") == []
    assert decoder.feed(b"\n2\r") == [(1, b"1")]
    assert decoder.end() == (2, b"2")


def test_the_byte_order_mark_only_before_the_first_line() -> None:
    decoder = JSONLinesDecoder()
    assert [decoder.feed(b) for b in (b"\xef", b"\xbb", b"\xbf1\n")] == [[], [], [(1, b"1")]]
    # later it is the line's (and not JSON: the reader says so)
    assert decoder.feed(b"\xef\xbb\xbf2\n") == [(2, b"\xef\xbb\xbf2")]
    alone = JSONLinesDecoder()
    assert alone.feed(b"\xef\xbb\xbf") == []
    assert alone.end() is None


def test_an_empty_or_blank_body_has_no_lines() -> None:
    for body in (b"", b"\n", b"\r\n \n\t"):
        decoder = JSONLinesDecoder()
        assert decoder.feed(body) == []
        assert decoder.end() is None


def test_a_line_at_the_cap_is_read_one_past_it_is_not() -> None:
    """The cap counts a line's bytes before its LF (a CR before it included)."""
    at_cap = JSONLinesDecoder(max_line_size=8)
    assert at_cap.feed(b'"123456"\n"12345"\r\n') == [(1, b'"123456"'), (2, b'"12345"')]
    over = JSONLinesDecoder(max_line_size=8)
    assert over.feed(b'1\n"1234567"\n2\n') == [(1, b"1")]  # the lines before it first
    with pytest.raises(ResponseTooLargeError) as raised:
        over.end()
    assert (str(raised.value), raised.value.limit) == (
        "A JSON Lines line is longer than 8 bytes",
        8,
    )
    with pytest.raises(ResponseTooLargeError):  # and at every call after
        over.feed(b"3\n")


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_a_line_that_never_ends_is_refused_at_the_cap(chunk: int) -> None:
    """A server that never sends a newline is refused once the line passes the cap: the
    decoder never holds more than the cap (plus the chunk that passed it)."""
    decoder = JSONLinesDecoder(max_line_size=100)
    fed = 0
    with pytest.raises(ResponseTooLargeError):
        while fed < 10_000:
            fed += chunk
            decoder.feed(b"x" * chunk)
    assert 100 < fed <= 100 + chunk


def test_decoding_time_grows_linearly() -> None:
    """Figures printed (not asserted: the machine's load varies): a 10 and a 20 MB line in
    64 KiB chunks, and 100 kB a byte at a time (the pieces are joined once)."""
    figures = []
    for megabytes in (10, 20):
        body = b'"' + b"x" * (megabytes * 1_000_000) + b'"\n'
        decoder = JSONLinesDecoder(max_line_size=64_000_000)
        started = time.perf_counter()
        lines = [
            line for i in range(0, len(body), 65536) for line in decoder.feed(body[i : i + 65536])
        ]
        figures.append(f"{megabytes} MB line: {(time.perf_counter() - started) * 1000:.0f} ms")
        assert [len(line) for _, line in lines] == [megabytes * 1_000_000 + 2]
    body = b"y" * 100_000 + b"\n"
    decoder = JSONLinesDecoder()
    started = time.perf_counter()
    lines = [line for i in range(len(body)) for line in decoder.feed(body[i : i + 1])]
    figures.append(f"100 kB a byte at a time: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert [len(line) for _, line in lines] == [100_000]
    print("\nJSON Lines decoder: " + ", ".join(figures))
