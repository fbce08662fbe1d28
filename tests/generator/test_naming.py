import pytest
from generator.naming import (
    enum_member_names,
    env_var_prefix,
    field_name,
    method_identifier,
    method_name,
    module_name,
    pascal_case,
    rest_method_name,
    snake_case,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("createdAt", "created_at"),
        ("X-Request-Id", "x_request_id"),
        ("from", "from_"),
        ("response_format", "response_format"),
        ("HTTPStatus", "http_status"),
        ("n", "n"),
        ("2fa", "field_2fa"),
        ("json", "json_"),
        ("retries", "retries_"),
        ("image_generations_create", "image_generations_create"),
        ("+1", "plus_1"),
        ("-1", "minus_1"),
        ("-x", "x"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("images", "Images"),
        ("CreateImageRequest", "CreateImageRequest"),
        ("image data", "ImageData"),
    ],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


def test_module_and_env_names() -> None:
    assert module_name("CreateImageRequest") == "createimagerequest"
    assert env_var_prefix("AtomaSDK") == "ATOMASDK"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("None", "NoneModel"),  # a keyword cannot be a class
        ("o", "OModel"),  # ambiguous beside 0
        ("pet_owner", "PetOwner"),
        ("1st", "Model1st"),
    ],
)
def test_pascal_case_never_gives_a_bad_class_name(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


def test_module_of_a_keyword_class() -> None:
    assert module_name("Class") == "class_"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("date", "date_"),  # the type its annotation names
        ("list", "list_"),
        ("models", "models_"),  # the package methods use
        ("build", "build_"),  # the request models' own method
        ("modelConfig", "model_config_"),  # pydantic's namespace
        ("model_dump", "model_dump_"),
        ("l", "l_"),  # ambiguous beside 1
        ("id", "id"),
        ("type", "type"),
    ],
)
def test_field_name(name: str, expected: str) -> None:
    assert field_name(name) == expected


@pytest.mark.parametrize(
    ("operation_id", "group", "siblings", "expected"),
    [
        ("items_list", "items", (), "list"),  # the group as a namespace prefix
        ("count_items", "items", (), "count"),  # a lone verb and the group
        ("buyMuseumTickets", "tickets", (), "buy_museum_tickets"),  # words kept
        ("getBookings", "bookings", ("get_bookings", "get_booking"), "get_bookings"),
        ("getBooking", "bookings", ("get_bookings", "get_booking"), "get_booking"),
        ("getBookings", "bookings", ("get_bookings",), "get"),
        ("tickets", "tickets", (), "tickets"),
        ("tickets_class", "tickets", (), "class_"),
    ],
)
def test_method_name(
    operation_id: str, group: str, siblings: tuple[str, ...], expected: str
) -> None:
    assert method_name(operation_id, group, siblings) == expected


@pytest.mark.parametrize("name", ["models", "builtins", "str", "datetime", "with_raw_response"])
def test_method_identifier_hides_nothing_a_resource_uses(name: str) -> None:
    assert method_identifier(name) == f"{name}_"
    assert method_identifier("list") == "list"  # resources spell the builtin `builtins.list`


def test_enum_member_names_are_ascii_unique_and_unambiguous() -> None:
    assert enum_member_names(("a b", "A-B", "ünï", "名字", "O", "class", -1, 2)) == [
        "A_B",
        "A_B_2",
        "UNI",  # accented letters keep their base letter
        "VALUE_",
        "O_",
        "CLASS",
        "VALUE_MINUS_1",
        "VALUE_2",
    ]


@pytest.mark.parametrize(
    ("method", "path", "group", "expected"),
    [
        ("get", "/v1/files", "files", "list"),
        ("post", "/v1/files", "files", "create"),
        ("get", "/v1/files/{file_id}", "files", "get"),
        ("patch", "/files/{file_id}", "files", "update"),
        ("delete", "/v1/files/{file_id}", "files", "delete"),
        ("get", "/v1/files/{file_id}/content", "files", "get_content"),
        ("post", "/v1/batches/{batch_id}/cancel", "batch", "cancel"),
        ("get", "/v1/users/me/balance", "billing", "get_balance"),
        ("post", "/v1/chat/completions", "chat", "create_completion"),
        ("post", "/v1/tokenizers/estimate-token-count", "utilities", "estimate_token_count"),
        ("get", "/users/{id}/orders", "users", "list_orders"),
        ("post", "/users/{id}/orders", "users", "create_order"),
        ("get", "/users/{id}/orders/{order_id}", "users", "get_order"),
        ("get", "/", "default", "get"),
        ("post", "/conversations/{id}/searches", "conversations", "create_search"),
        ("post", "/users/{id}/categories", "users", "create_category"),
        ("post", "/users/{id}/mail_boxes", "users", "create_mail_box"),
        ("post", "/users/{id}/addresses", "users", "create_address"),
        ("post", "/users/{id}/wishes", "users", "create_wish"),
        ("post", "/nodes/{id}/caches", "nodes", "create_cache"),
        ("post", "/users/{id}/movies", "users", "create_movie"),
        ("post", "/users/{id}/responses", "users", "create_response"),
        ("post", "/users/{id}/series", "users", "create_series"),
        ("get", "/users/{id}/pies/{pie_id}", "users", "get_pie"),
        ("get", "/v1/categories/{id}", "category", "get"),
    ],
)
def test_operations_without_an_operation_id_are_named_from_method_and_path(
    method: str, path: str, group: str, expected: str
) -> None:
    assert rest_method_name(method, path, group) == expected
