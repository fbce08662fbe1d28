"""A real local server for the batch tests: counts calls in flight, answers by a rule."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OK_BODY = {"created": 1_700_000_000, "data": [{"url": "https://img.test/1.png"}]}


@dataclass
class Arrival:
    number: int  # 0-based, in the order requests arrived
    prompt: str
    at: float  # time.monotonic()
    in_flight: int  # calls in flight on arrival, this one included
    answered: float = 0.0  # time.monotonic() as its answer was about to be sent


@dataclass
class Answer:
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


#: Decides the answer to an arrival.
Rule = Callable[[Arrival], Answer]


class BatchServer:
    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.arrivals: list[Arrival] = []
        #: (status, time the answer was about to be sent)
        self.answers: list[tuple[int, float]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each body waits ~40 ms for an ACK

            def do_POST(self) -> None:
                body: dict[str, Any] = json.loads(
                    self.rfile.read(int(self.headers["content-length"]))
                )
                with server.lock:
                    server.in_flight += 1
                    server.peak = max(server.peak, server.in_flight)
                    arrival = Arrival(
                        len(server.arrivals), body["prompt"], time.monotonic(), server.in_flight
                    )
                    server.arrivals.append(arrival)
                answer = server.rule(arrival)
                try:
                    time.sleep(answer.delay)
                    payload = json.dumps(
                        OK_BODY if answer.status == 200 else {"error": {"message": "no"}}
                    ).encode()
                finally:
                    # Counted out before the answer leaves: the client cannot start another
                    # call in its place while this one still counts here.
                    with server.lock:
                        server.in_flight -= 1
                        arrival.answered = time.monotonic()
                        server.answers.append((answer.status, arrival.answered))
                self.send_response(answer.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> BatchServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class _QuietServer(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a batch's burst of connections on a busy
    # machine overflowed it, and the kernel reset the connections it could not queue.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that left (a cancelled call) is expected here."""
