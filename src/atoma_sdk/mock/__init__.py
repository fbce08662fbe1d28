"""A hand-written mock of the Atoma images API, for testing code that uses this SDK.

Three ways to use it:

* In unit tests, without sockets: ``httpx.Client(transport=MockTransport())`` (or
  ``httpx.AsyncClient``); ``transport.api`` records requests and injects faults.
* In end-to-end tests and demos, over real HTTP:
  ``with MockServer() as server: ...`` then point the SDK at ``server.url``.
* From the command line: ``python -m atoma_sdk.mock --port 8000 [--require-auth]``.

Requests are validated with the generated models, and answers (JSON, or the server-sent
events of a ``stream: true`` request) are checked against them before they are sent, so
the mock follows ``openapi.yml``. Not imported by ``atoma_sdk`` itself: it costs nothing
unless used.
"""

from .api import MockAPI, MockResponse, RecordedRequest
from .png import encode_png
from .server import MockServer
from .transport import MockTransport

__all__ = [
    "MockAPI",
    "MockResponse",
    "MockServer",
    "MockTransport",
    "RecordedRequest",
    "encode_png",
]
