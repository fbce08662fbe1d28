"""`atoma`: the command line of atoma-sdk (also `python -m atoma_sdk.cli`).

    atoma images generate PROMPT [options]   generate images, save them, print their paths
    atoma images batch PROMPTS --out DIR     one generation per line, resumable (cli_batch)
    atoma mock serve [--port N]              run the bundled mock of the API

Only the paths of saved images go to stdout, one per line, so the command composes with
shell pipelines; progress (`cli_progress`, silenced by `--quiet`) and errors go to stderr.
The token comes from the `ATOMASDK_BEARER_AUTH` environment variable. Exit codes: 0
success, 1 an API, connection or download error, 2 a usage error (bad option or argument
value), 130 interrupted. Errors are one line; `--debug` adds the traceback.

No generated image is lost: `--out` is checked (and created) before the request is sent;
each image goes to a new file (never over an existing file or through a symlink); an
image that cannot be saved there is kept in the temporary directory, and the command
says where and exits 1. Once stdout is closed (`| head -1`) the paths stop, quietly.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pydantic

from . import __version__, models
from ._runtime.errors import (
    APIError,
    APITimeoutError,
    DownloadError,
    ResponseValidationError,
    SDKError,
)
from ._runtime.invalid import InvalidArgumentError
from .cli_batch import add_batch_command
from .cli_options import (
    OPEN_ENUM_OPTIONS,
    TOKEN_ENV_VAR,
    Parser,
    image_count,
    open_enum_help,
    port_number,
    server_url,
    unknown_value_warning,
)
from .cli_progress import Progress
from .image_files import image_bytes, image_extension
from .sdk import AtomaSDK

__all__ = ["main"]

DEFAULT_MODEL = "black-forest-labs/FLUX.1-schnell"
#: Partial images asked for with `--stream` when `--partial-images` is not given.
DEFAULT_PARTIAL_IMAGES = 2
#: Options of `images generate` passed to the SDK under the same name, when given.
REQUEST_OPTIONS = ("n", *OPEN_ENUM_OPTIONS)
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
    debug = Parser(add_help=False)
    debug.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    parser = Parser(
        prog="atoma",
        description="Generate images with the Atoma API (token: $ATOMASDK_BEARER_AUTH).",
        epilog='No token yet? Try the bundled mock: atoma images generate "an otter" --mock',
    )
    parser.add_argument("--version", action="version", version=f"atoma {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    # dest=SUPPRESS: a missing command is named by its choices, not by an internal name
    commands = parser.add_subparsers(title="commands", dest=argparse.SUPPRESS, required=True)

    images = commands.add_parser("images", help="image generation").add_subparsers(
        title="commands", dest=argparse.SUPPRESS, required=True
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
    generate.add_argument(
        "--n", type=image_count, metavar="N", help="how many images, 1 or more (server default 1)"
    )
    for option in OPEN_ENUM_OPTIONS:
        generate.add_argument(
            f"--{option.replace('_', '-')}", metavar=option.upper(), help=open_enum_help(option)
        )
    generate.add_argument(
        "--stream", action="store_true", help="stream: save partial images as they arrive"
    )
    generate.add_argument(
        "--confidential",
        action="store_true",
        help='encrypt the request for the node (needs pip install "atoma-sdk[confidential]")',
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
    generate.add_argument(
        "--quiet", action="store_true", help="no progress on stderr (errors still are)"
    )
    server = generate.add_mutually_exclusive_group()
    server.add_argument(
        "--server-url",
        metavar="URL",
        type=server_url,
        help="default: $ATOMASDK_SERVER_URL, else https://api.atoma.network",
    )
    server.add_argument(
        "--mock", action="store_true", help="use the bundled mock API (no token, no network)"
    )

    add_batch_command(images, [debug])

    mock = commands.add_parser("mock", help="the bundled mock API").add_subparsers(
        title="commands", dest=argparse.SUPPRESS, required=True
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
        "--port", type=port_number, default=8000, help="default: %(default)s; 0 picks a free port"
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
    if args.stream and args.confidential:
        raise CommandError("--confidential cannot be combined with --stream", EXIT_USAGE)
    fields = {name: value for name, value in fields.items() if value is not None}
    out = output_directory(args.out)
    with ExitStack() as stack:
        report = stack.enter_context(Progress(sys.stderr, quiet=args.quiet))
        for name in OPEN_ENUM_OPTIONS:
            warning = unknown_value_warning(name, fields.get(name))
            if warning:
                report.error(warning)
        server_url, token = args.server_url, None  # None: the SDK reads the token variable
        if args.mock:
            from .mock import MockServer

            server_url, token = stack.enter_context(MockServer()).url, ""
        sdk = stack.enter_context(AtomaSDK(bearer_auth=token, server_url=server_url))
        if args.stream:
            return save_stream(sdk, fields, out, report)
        else:
            report.working("generating")
            if args.confidential:
                response = sdk.confidential_images.generate(**fields)
            else:
                response = sdk.images.generate(**fields)
            report.working("saving the images")
            kept = [
                keep_image(sdk, image, out, f"image-{response.created}-{index}", report, final=True)
                for index, image in enumerate(response.data, 1)
            ]
            if not all(kept):
                return EXIT_FAILURE
    return EXIT_OK


def save_stream(sdk: AtomaSDK, fields: dict[str, Any], out: Path, report: Progress) -> int:
    """Save partial images as they arrive (progress on stderr), then the final images.

    Servers may stream fewer partial images than asked, and OpenAI's stream one image
    whatever `n`: counts come from the events, not the request.
    """
    created: int | None = None
    partials = partials_of_image = completed = 0
    all_kept = True
    report.working("generating")
    with sdk.images.generate_stream(**fields) as stream:
        for event in stream:
            if isinstance(event, models.UnknownVariant):
                report.event(f"skipped an event of unknown type {getattr(event, 'type', None)!r}")
                continue
            if created is None:  # one prefix for every file of this run
                created = event.created_at or int(time.time())
            if isinstance(event, models.ImagePartialImageEvent):
                partials += 1
                partials_of_image += 1
                path = keep_image(sdk, event, out, f"image-{created}-partial-{partials}", report)
                expected = fields["partial_images"]
                if path is not None:
                    report.event(f"partial {partials_of_image}/{expected} saved to {path}")
            else:
                completed += 1
                partials_of_image = 0
                stem = f"image-{created}-{completed}"
                path = keep_image(sdk, event, out, stem, report, final=True)
                if path is not None:
                    report.event(f"completed, saved to {path}")
            all_kept = all_kept and path is not None
    if completed == 0:
        raise CommandError("the stream ended without a completed image")
    return EXIT_OK if all_kept else EXIT_FAILURE


def serve_mock(args: argparse.Namespace) -> int:
    """`atoma mock serve`: print the URL, then serve until interrupted."""
    from .mock import MockServer

    server = MockServer(host=args.host, port=args.port, require_auth=args.require_auth)
    try:
        server.start()
    except OSError as error:
        where = f"{args.host}:{args.port}"
        busy = " (--port 0 picks a free port)" if error.errno == errno.EADDRINUSE else ""
        message = f"could not serve on {where}: {error.strerror or error}{busy}"
        raise CommandError(message) from error
    try:
        emit(server.url)  # the only stdout line, so scripts can read it
        progress("serving the mock Atoma API; Ctrl-C to stop")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        server.stop()


def output_directory(path: Path) -> Path:
    """`--out`, created if missing and checked writable, before anything is generated."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass  # a file can be created there
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(f"invalid argument: --out {path}: {reason}", EXIT_USAGE) from error
    return path


def keep_image(
    sdk: AtomaSDK, image: Any, out: Path, stem: str, report: Progress, *, final: bool = False
) -> Path | None:
    """Save a generated image in `out` as a new file named `stem` (its path printed on
    stdout when `final`). If that fails, keep it in the temporary directory and say where;
    None when it is not where asked (the reason, and where the image is, are on stderr)."""
    url = getattr(image, "url", None)
    where = f"; it can be downloaded from {url}" if url else ""
    try:
        data = image_bytes(image, sdk=sdk)
    except SDKError as error:
        report.error(f"error: could not get image {stem}: {describe_error(error)[1]}{where}")
        return None
    try:
        path = write_new_file(out, stem + image_extension(data), data)
    except OSError as error:
        reason = describe_error(error)[1]
        try:
            kept = keep_elsewhere(stem + image_extension(data), data)
        except OSError:
            report.error(f"error: could not save image {stem} in {out}: {reason}{where}")
            return None
        report.error(f"error: could not save image {stem} in {out}: {reason}; kept it as {kept}")
        if final:
            with report.paused():
                emit(kept)
        return None
    if final:
        with report.paused():
            emit(path)
    return path


#: How many `name-2.png`, `name-3.png`, ... are tried before giving up on a name.
MAX_NAME_TRIES = 1_000
#: Create a new file only: never an existing file, never through a symlink.
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def write_new_file(directory: Path, name: str, data: bytes) -> Path:
    """Write `data` to `directory/name`, or `name-2`, `name-3`, ... if that exists (as a
    file, a directory or a symlink, even a dangling one): what is there stays untouched."""
    stem, suffix = os.path.splitext(name)
    for attempt in range(1, MAX_NAME_TRIES + 1):
        path = directory / (name if attempt == 1 else f"{stem}-{attempt}{suffix}")
        try:
            descriptor = os.open(path, NEW_FILE | getattr(os, "O_BINARY", 0), 0o644)
        except FileExistsError:
            continue
        write_all(descriptor, path, data)
        return path
    raise FileExistsError(f"{MAX_NAME_TRIES} files named like {name} exist in {directory}")


def keep_elsewhere(name: str, data: bytes) -> Path:
    """Write `data` to a new file in the temporary directory (safely: `mkstemp`)."""
    stem, suffix = os.path.splitext(name)
    descriptor, path = tempfile.mkstemp(prefix=f"atoma-{stem}-", suffix=suffix)
    write_all(descriptor, Path(path), data)
    return Path(path)


def write_all(descriptor: int, path: Path, data: bytes) -> None:
    """Write and close; a partly written file is removed, not left behind as an image."""
    try:
        with open(descriptor, "wb", closefd=True) as file:
            file.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def emit(line: object) -> None:
    """Print one line on stdout. If the reader has gone (`atoma ... | head -1`), the rest
    goes to the null device: no traceback, no error at exit, the work goes on."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_error(error: Exception) -> tuple[int, str]:
    """The exit code and the one-line message for an error."""
    if isinstance(error, CommandError):
        return error.exit_code, one_line(str(error))
    if isinstance(error, InvalidArgumentError):  # the SDK checks arguments before I/O
        return EXIT_USAGE, one_line(f"invalid argument: {error}")
    if isinstance(error, pydantic.ValidationError):
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
    if error.status_code == 401:
        message += f" ({TOKEN_ENV_VAR} {token_hint()})"
    if error.request_id:
        message += f" (request id {error.request_id})"
    return message


#: What to try when the server cannot be reached.
CONNECTION_HINT = "check the network and --server-url, or try --mock"


def token_hint() -> str:
    """What to do about a 401, by whether the token variable is set."""
    if os.environ.get(TOKEN_ENV_VAR):
        return "was sent: check that it holds a valid API token"
    return "is not set: export your API token in it, or try --mock"


def connection_error_message(error: httpx.RequestError) -> str:
    """`could not connect to URL: reason (hint)`; the URL once, without user info or query
    (the SDK's own message already begins with `METHOD URL: `)."""
    reason = str(error)
    try:
        request = error.request
    except RuntimeError:  # httpx raises when the error carries no request
        url = "the server"
    else:
        url = str(request.url.copy_with(username=None, password=None, query=None, fragment=None))
        reason = reason.removeprefix(f"{request.method} {url}: ")
    if isinstance(error, (APITimeoutError, httpx.TimeoutException)):
        return f"request to {url} timed out: {reason}"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {url}: {reason} ({CONNECTION_HINT})"
    return f"connection to {url} failed: {reason}"


def one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
