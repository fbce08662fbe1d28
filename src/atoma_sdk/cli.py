"""`atoma`: the command line of atoma-sdk (also `python -m atoma_sdk.cli`).

    atoma images generate PROMPT [options]   generate images, save them, print their paths
    atoma mock serve [--port N]              run the bundled mock of the API

Only the paths of saved images go to stdout, one per line, so the command composes with
shell pipelines; progress and errors go to stderr. The token comes from the
`ATOMASDK_BEARER_AUTH` environment variable. Exit codes: 0 success, 1 an API, connection
or download error, 2 a usage error (bad option or argument value), 130 interrupted.
Errors are one line; `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pydantic

from . import models
from ._runtime.errors import (
    APIError,
    APITimeoutError,
    DownloadError,
    ResponseValidationError,
    SDKError,
)
from .image_files import save_image
from .sdk import AtomaSDK

__all__ = ["main"]

DEFAULT_MODEL = "black-forest-labs/FLUX.1-schnell"
TOKEN_ENV_VAR = "ATOMASDK_BEARER_AUTH"
#: Partial images asked for with `--stream` when `--partial-images` is not given.
DEFAULT_PARTIAL_IMAGES = 2
#: Options of `images generate` passed to the SDK under the same name, when given.
REQUEST_OPTIONS = (
    "n",
    "size",
    "quality",
    "style",
    "response_format",
    "background",
    "output_format",
)
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandError(Exception):
    """A failure the CLI detects itself, with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: Errors whose one-line message says it all: no hint to rerun with --debug.
KNOWN_ERRORS = (SDKError, CommandError, httpx.RequestError, OSError, pydantic.ValidationError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argv defaults to `sys.argv[1:]`)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        exit_code: int = args.handler(args)
        return exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        exit_code, message = describe_error(error)
        if args.debug:
            traceback.print_exc()
        elif exit_code == EXIT_FAILURE and not isinstance(error, KNOWN_ERRORS):
            message += " (run with --debug for the traceback)"
        print(f"error: {message}", file=sys.stderr)
        return exit_code


def build_parser() -> argparse.ArgumentParser:
    # --debug is accepted before or after the subcommand; SUPPRESS keeps a subcommand's
    # default from overwriting a value given before it.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = argparse.ArgumentParser(
        prog="atoma",
        description="Generate images with the Atoma API (token: $ATOMASDK_BEARER_AUTH).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(title="commands", dest="command", required=True)

    images = commands.add_parser("images", help="image generation").add_subparsers(
        title="commands", dest="images_command", required=True
    )
    generate = images.add_parser(
        "generate",
        parents=[debug],
        help="generate images and save them",
        description="Generate images, save them in --out and print their paths on stdout.",
    )
    generate.set_defaults(handler=generate_images)
    generate.add_argument("prompt", metavar="PROMPT", help="what to draw")
    generate.add_argument("--model", default=DEFAULT_MODEL, help="default: %(default)s")
    generate.add_argument("--n", type=int, metavar="N", help="how many images (server default 1)")
    generate.add_argument("--size", metavar="WxH", help="e.g. 1024x1024")
    generate.add_argument("--quality", help="e.g. standard, hd, low, medium, high, auto")
    generate.add_argument("--style", help="e.g. vivid, natural")
    generate.add_argument("--response-format", metavar="FORMAT", help="url or b64_json")
    generate.add_argument("--background", help="auto, transparent or opaque")
    generate.add_argument("--output-format", metavar="FORMAT", help="png, jpeg or webp")
    generate.add_argument(
        "--stream", action="store_true", help="stream: save partial images as they arrive"
    )
    generate.add_argument(
        "--partial-images",
        type=int,
        metavar="K",
        help=f"partial images per image with --stream, 0-3 (default {DEFAULT_PARTIAL_IMAGES})",
    )
    generate.add_argument(
        "--out", type=Path, default=Path(), metavar="DIR", help="where to save (default: .)"
    )
    server = generate.add_mutually_exclusive_group()
    server.add_argument("--server-url", metavar="URL", help="default: https://api.atoma.network")
    server.add_argument(
        "--mock", action="store_true", help="use the bundled mock API (no token, no network)"
    )

    mock = commands.add_parser("mock", help="the bundled mock API").add_subparsers(
        title="commands", dest="mock_command", required=True
    )
    serve = mock.add_parser(
        "serve",
        parents=[debug],
        help="serve the mock API until Ctrl-C",
        description="Serve the mock Atoma API; prints its URL on stdout, then serves.",
    )
    serve.set_defaults(handler=serve_mock)
    serve.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    serve.add_argument(
        "--port", type=int, default=8000, help="default: %(default)s; 0 picks a free port"
    )
    serve.add_argument("--require-auth", action="store_true", help="demand a bearer token")
    return parser


def generate_images(args: argparse.Namespace) -> int:
    """`atoma images generate`: one request; each image saved, its path printed."""
    fields: dict[str, Any] = {"model": args.model, "prompt": args.prompt}
    fields.update({name: getattr(args, name) for name in REQUEST_OPTIONS})
    if args.stream:
        fields["partial_images"] = (
            DEFAULT_PARTIAL_IMAGES if args.partial_images is None else args.partial_images
        )
    elif args.partial_images is not None:
        raise CommandError("--partial-images needs --stream", EXIT_USAGE)
    fields = {name: value for name, value in fields.items() if value is not None}
    out = output_directory(args.out)
    with ExitStack() as stack:
        server_url, token = args.server_url, None  # None: the SDK reads the token variable
        if args.mock:
            from .mock import MockServer

            server_url, token = stack.enter_context(MockServer()).url, ""
        sdk = stack.enter_context(AtomaSDK(bearer_auth=token, server_url=server_url))
        if args.stream:
            save_stream(sdk, fields, out)
        else:
            response = sdk.images.generate(**fields)
            for index, image in enumerate(response.data, 1):
                path = save_image(image, out / f"image-{response.created}-{index}", sdk=sdk)
                print(path, flush=True)
    return EXIT_OK


def save_stream(sdk: AtomaSDK, fields: dict[str, Any], out: Path) -> None:
    """Save partial images as they arrive (progress on stderr), then the final images.

    Servers may stream fewer partial images than asked, and OpenAI's stream one image
    whatever `n`: counts come from the events, not the request.
    """
    created: int | None = None
    partials = partials_of_image = completed = 0
    with sdk.images.generate_stream(**fields) as stream:
        for event in stream:
            if isinstance(event, models.UnknownVariant):
                progress(f"skipped an event of unknown type {getattr(event, 'type', None)!r}")
                continue
            if created is None:  # one prefix for every file of this run
                created = event.created_at or int(time.time())
            if isinstance(event, models.ImagePartialImageEvent):
                partials += 1
                partials_of_image += 1
                path = save_image(event, out / f"image-{created}-partial-{partials}", sdk=sdk)
                expected = fields["partial_images"]
                progress(f"partial {partials_of_image}/{expected} saved to {path}")
            else:
                completed += 1
                partials_of_image = 0
                path = save_image(event, out / f"image-{created}-{completed}", sdk=sdk)
                progress(f"completed, saved to {path}")
                print(path, flush=True)
    if completed == 0 and fields.get("n") != 0:
        raise CommandError("the stream ended without a completed image")


def serve_mock(args: argparse.Namespace) -> int:
    """`atoma mock serve`: print the URL, then serve until interrupted."""
    from .mock import MockServer

    server = MockServer(host=args.host, port=args.port, require_auth=args.require_auth)
    try:
        server.start()
    except OSError as error:
        where = f"{args.host}:{args.port}"
        raise CommandError(f"could not serve on {where}: {error.strerror or error}") from error
    try:
        print(server.url, flush=True)  # the only stdout line, so scripts can read it
        progress("serving the mock Atoma API; Ctrl-C to stop")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        server.stop()


def output_directory(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(f"invalid argument: --out {path}: {reason}", EXIT_USAGE) from error
    return path


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_error(error: Exception) -> tuple[int, str]:
    """The exit code and the one-line message for an error."""
    if isinstance(error, CommandError):
        return error.exit_code, one_line(str(error))
    if isinstance(error, pydantic.ValidationError):  # the SDK checks arguments before I/O
        details = error.errors(include_url=False)
        reasons = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details)
        return EXIT_USAGE, one_line(f"invalid argument: {reasons}")
    if isinstance(error, ResponseValidationError):
        return EXIT_FAILURE, one_line(f"unexpected answer from the server: {error.message}")
    if isinstance(error, APIError):
        return EXIT_FAILURE, one_line(api_error_message(error))
    if isinstance(error, httpx.RequestError):  # APIConnectionError, or one the SDK let through
        return EXIT_FAILURE, one_line(connection_error_message(error))
    if isinstance(error, DownloadError):
        return EXIT_FAILURE, one_line(f"could not get the image: {error}")
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return EXIT_FAILURE, one_line(f"{error.strerror or error}{where}")
    if isinstance(error, SDKError):
        return EXIT_FAILURE, one_line(str(error))
    return EXIT_FAILURE, one_line(f"unexpected {type(error).__name__}: {error}")


def api_error_message(error: APIError) -> str:
    """`401 Unauthorized: <the server's message>`."""
    reason = error.raw_response.reason_phrase
    status = f"{error.status_code} {reason}".strip()
    message = status if error.message in ("", reason) else f"{status}: {error.message}"
    if error.status_code == 401 and not os.environ.get(TOKEN_ENV_VAR):
        message += f" ({TOKEN_ENV_VAR} is not set)"
    if error.request_id:
        message += f" (request id {error.request_id})"
    return message


def connection_error_message(error: httpx.RequestError) -> str:
    try:
        url = str(error.request.url)
    except RuntimeError:  # httpx raises when the error carries no request
        url = "the server"
    if isinstance(error, (APITimeoutError, httpx.TimeoutException)):
        return f"request to {url} timed out: {error}"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {url}: {error}"
    return f"connection to {url} failed: {error}"


def one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
