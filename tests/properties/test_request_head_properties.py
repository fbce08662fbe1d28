"""The mock's request-head reader: any well-formed head reads back field for field, byte
for byte, and reading stops at the blank line (the body is left for the handler)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from atoma_sdk.mock.request_head import MAX_FIELDS, read_head

TOKEN = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
names = st.text(TOKEN, min_size=1, max_size=20).map(str.encode)
# A value: visible latin-1 bytes, inner spaces and tabs allowed, none at either end.
visible = st.sampled_from([bytes([b]) for b in (*range(0x21, 0x7F), *range(0x80, 0x100))])
inner = st.one_of(visible, st.sampled_from([b" ", b"\t"]))
values = st.one_of(
    st.just(b""),
    st.builds(lambda a, mid, b: a + b"".join(mid) + b, visible, st.lists(inner), visible),
    visible,
)
padding = st.sampled_from([b"", b" ", b"\t", b"  \t"])


@settings(max_examples=200)
@given(
    fields=st.lists(st.tuples(names, values, padding, padding), max_size=MAX_FIELDS),
    newline=st.sampled_from([b"\r\n", b"\n"]),
    body=st.binary(max_size=50),
)
def test_a_well_formed_head_reads_back_exactly(
    fields: list[tuple[bytes, bytes, bytes, bytes]], newline: bytes, body: bytes
) -> None:
    lines = [name + b":" + pre + value + post + newline for name, value, pre, post in fields]
    rfile = io.BufferedReader(io.BytesIO(b"".join(lines) + newline + body))
    head = read_head(b"POST /v1/x HTTP/1.1" + newline, rfile)
    assert (head.method, head.target, head.version) == ("POST", "/v1/x", "HTTP/1.1")
    assert head.headers.raw == [(name, value) for name, value, _, _ in fields]
    assert rfile.read() == body
