"""django-ninja's operationIds, `<module>_<function>` (the module's dots as `_`), lose the
module: ninja's default summary, the function's name title-cased, says where the
function begins (`ninja_app_create_patient`, summary `Create Patient` ->
`create_patient`). Only when every operationId of the spec (two or more) is so: an id
someone wrote keeps its words (specs/framework_ninja.yml is a real ninja app's spec; its
methods are checked in test_corpus_frameworks)."""

from __future__ import annotations

from typing import Any

import pytest
from generator import ir
from generator.diagnostics import Diagnostics
from generator.naming import without_module_prefix
from generator.parse import parse


@pytest.mark.parametrize(
    ("operation_id", "summary", "expected"),
    [
        ("ninja_app_create_patient", "Create Patient", "create_patient"),
        ("clinic_api_views_upload_xray", "Upload Xray", "upload_xray"),
        ("billing_api_v2_get_invoice_v2", "Get Invoice V2", "get_invoice_v2"),
        ("ninja_app_stats", "Stats", "stats"),
        ("create_patient", "Create Patient", None),  # no module before the function
        ("createPatient", "Create Patient", None),
        ("users_create_user", "Create a user", None),  # a summary someone wrote
        ("users_get_user_by_id", "Get User By ID", None),  # not ninja's title case
        ("ninja_app_create_patient", "Create Patients", None),
        ("app.v1_create_patient", "Create Patient", None),  # not a module's name
        ("ninja_app_create_patient", None, None),
        ("ninja_app_create_patient", "", None),
    ],
)
def test_the_function_is_read_off_by_the_summary(
    operation_id: str, summary: Any, expected: str | None
) -> None:
    assert without_module_prefix(operation_id, summary) == expected


def _methods(operations: list[tuple[str, str, str | None]]) -> dict[str, str]:
    """operationId -> the method name generated, for operations (path, operationId,
    summary) of one tag."""
    paths: dict[str, Any] = {}
    for path, operation_id, summary in operations:
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "tags": ["records"],
            "responses": {"204": {"description": "done"}},
        }
        if summary is not None:
            operation["summary"] = summary
        paths[path] = {"post": operation}
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    package = ir.Package("pkg", "pkg", "0.1.0", "PkgSDK", "spec.yml")
    api, _ = parse(spec, package, Diagnostics())
    (resource,) = api.resources
    return {op.operation_id: op.method_name for op in resource.operations}


def test_every_operation_id_of_a_ninja_spec_loses_its_module() -> None:
    assert _methods(
        [
            ("/a", "shop_orders_api_create_order", "Create Order"),
            ("/b", "shop_refunds_api_create_refund", "Create Refund"),
            ("/c", "shop_refunds_api_list", "List"),
        ]
    ) == {
        "shop_orders_api_create_order": "create_order",
        "shop_refunds_api_create_refund": "create_refund",
        "shop_refunds_api_list": "list",
    }


@pytest.mark.parametrize(
    "operations",
    [
        [  # one summary someone wrote: the others are not read as ninja's either
            ("/a", "admin_delete_record", "Delete Record"),
            ("/b", "admin_purge_records", "Purge every record"),
        ],
        [("/a", "admin_delete_record", "Delete Record")],  # one operation says too little
        [  # no summaries
            ("/a", "admin_delete_record", None),
            ("/b", "admin_purge_records", None),
        ],
    ],
)
def test_hand_written_operation_ids_keep_their_words(
    operations: list[tuple[str, str, str | None]],
) -> None:
    found = _methods(operations)
    assert found == {operation_id: operation_id for _, operation_id, _ in operations}
