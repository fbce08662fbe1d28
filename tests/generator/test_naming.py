import pytest
from generator.naming import env_var_prefix, module_name, pascal_case, snake_case


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
