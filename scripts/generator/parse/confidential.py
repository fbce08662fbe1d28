"""`x-atoma-confidential`: an operation that carries another request encrypted.

    x-atoma-confidential:
      request: '#/components/schemas/CreateImageRequest'    # what the user's arguments build
      response: '#/components/schemas/CreateImageResponse'  # what the decrypted answer is
      lock: nodes_create_lock                               # operationId locking a node
      compute-units: image-pixels                           # the runtime's estimator

The operation's own body and response are the envelope (`ConfidentialComputeRequest`,
`ConfidentialComputeResponse`); its method takes `request`'s fields and returns
`response`, with the runtime's `confidential` module doing the lock, sealing and checks.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .. import ir
from ..runtime import RUNTIME
from . import schemas
from .context import ParseContext, escape
from .directions import HTTP_METHODS, mark

EXTENSION = "x-atoma-confidential"
KEYS = ("request", "response", "lock", "compute-units")


@functools.cache
def estimators() -> frozenset[str]:
    """The keys of the runtime's `COMPUTE_UNITS`, read from its source (nothing imported)."""
    tree = ast.parse((RUNTIME / "confidential.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "COMPUTE_UNITS"
            and isinstance(node.value, ast.Dict)
        ):
            return frozenset(ast.literal_eval(key) for key in node.value.keys if key is not None)
    return frozenset()


def mark_directions(ctx: ParseContext) -> None:
    """The plaintext request is sent and the decrypted answer received, though no
    operation's body or response names them."""
    for item in (ctx.spec.get("paths") or {}).values():
        for method in HTTP_METHODS:
            extension = ((item or {}).get(method) or {}).get(EXTENSION)
            if isinstance(extension, Mapping):
                mark(ctx, {"$ref": extension.get("request")}, "input")
                mark(ctx, {"$ref": extension.get("response")}, "output")


def confidential(ctx: ParseContext, op: Mapping[str, Any], pointer: str) -> ir.Confidential | None:
    """The operation's extension, checked; None when it has none (or it is wrong)."""
    extension = op.get(EXTENSION)
    if extension is None:
        return None
    where = f"{pointer}/{escape(EXTENSION)}"
    if not isinstance(extension, Mapping):
        ctx.problem(where, f"{EXTENSION} must be a mapping with {', '.join(KEYS)}")
        return None
    missing = [key for key in KEYS if not isinstance(extension.get(key), str)]
    unknown = sorted(set(extension) - set(KEYS))
    if missing or unknown:
        wrong = [f"missing or not a string: {', '.join(missing)}"] if missing else []
        wrong += [f"unknown: {', '.join(unknown)}"] if unknown else []
        ctx.problem(where, f"{EXTENSION}: {'; '.join(wrong)}")
        return None
    request = _model(ctx, extension["request"], f"{where}/request")
    response, _ = schemas.type_of(
        ctx, {"$ref": extension["response"]}, f"{where}/response", "Confidential", "output"
    )
    units = extension["compute-units"]
    if units not in estimators():
        known = ", ".join(sorted(estimators()))
        ctx.problem(f"{where}/compute-units", f"unknown estimator {units!r} (known: {known})")
    if request is None:
        return None
    return ir.Confidential(where, request, response, extension["lock"], units)


def _model(ctx: ParseContext, ref: str, pointer: str) -> ir.Model | None:
    found, _ = schemas.type_of(ctx, {"$ref": ref}, pointer, "Confidential", "input")
    if not isinstance(found, ir.ModelType):
        ctx.problem(pointer, f"{ref!r} is not an object schema")
        return None
    return ctx.models[found.name]


def link(ctx: ParseContext, grouped: dict[str, list[ir.Operation]]) -> None:
    """Point each confidential operation at its lock operation (found by operationId)."""
    by_id = {op.operation_id: (group, op) for group, ops in grouped.items() for op in ops}
    for ops in grouped.values():
        for index, op in enumerate(ops):
            secret = op.confidential
            if secret is None:
                continue
            if op.body_model is None or op.response is None or op.stream is not None:
                ctx.problem(secret.pointer, "the envelope needs an object body and a JSON answer")
                continue
            group, lock = by_id.get(secret.lock_operation_id, ("", None))
            if lock is None or lock.body_model is None or lock.response is None:
                ctx.problem(
                    f"{secret.pointer}/lock",
                    f"no operation {secret.lock_operation_id!r} with an object body and a "
                    "JSON answer to lock a node with",
                )
                continue
            linked = replace(
                secret,
                lock_module=group,
                lock_function=lock.operation_function,
                lock_request=lock.body_model,
            )
            ops[index] = replace(op, confidential=linked)
