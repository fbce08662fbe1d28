"""Models' JSON schemas: each field's docstring as its description, no warning for `UNSET`."""

from __future__ import annotations

import warnings
from typing import Annotated, Any

import pydantic
from pydantic import Strict

from atoma_sdk import models
from atoma_sdk._runtime.models import InputModel, OutputModel
from atoma_sdk._runtime.sentinel import UNSET, OptionalNullable


def _schema(model: type[pydantic.BaseModel], **kwargs: bool) -> dict[str, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return model.model_json_schema(**kwargs)


def test_field_docstrings_are_descriptions_in_the_json_schema() -> None:
    schema = _schema(models.CreateImageRequest)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert properties["n"]["description"] == "The number of images to generate. Defaults to 1."
    assert properties["model"]["description"] == "The model to use for image generation."
    assert schema["description"] == "Request body for image generation"


def test_nested_models_and_multi_line_docstrings_are_described() -> None:
    defs = _schema(models.CreateImageResponse)["$defs"]
    assert isinstance(defs, dict)
    url = defs["ImageData"]["properties"]["url"]
    assert url["description"].startswith("Where to download the image")
    assert "description" not in defs["ImageData"]["properties"]["revised_prompt"]
    quality = _schema(models.CreateImageRequest)["properties"]["quality"]  # type: ignore[index]
    assert quality["description"].splitlines()[1].startswith("`hd` creates images")


def test_wire_names_and_python_names_both_carry_the_description() -> None:
    class Aliased(OutputModel):
        python_name: int = pydantic.Field(alias="wireName")
        """Told apart from its wire name."""

        documented_in_the_base: int = 0
        """Kept."""

    class Child(Aliased):
        extra: str = ""
        """A field of the subclass."""

    by_alias = _schema(Child)["properties"]
    by_name = _schema(Child, by_alias=False)["properties"]
    assert isinstance(by_alias, dict) and isinstance(by_name, dict)
    assert by_alias["wireName"]["description"] == "Told apart from its wire name."
    assert by_name["python_name"]["description"] == "Told apart from its wire name."
    assert by_alias["extra"]["description"] == "A field of the subclass."
    assert by_alias["documented_in_the_base"]["description"] == "Kept."


def test_an_explicit_description_wins_over_the_docstring() -> None:
    class Explicit(OutputModel):
        value: int = pydantic.Field(0, description="From Field.")
        """From the docstring."""

    properties = _schema(Explicit)["properties"]
    assert isinstance(properties, dict)
    assert properties["value"]["description"] == "From Field."


def test_models_without_source_still_give_a_schema() -> None:
    Dynamic = pydantic.create_model("Dynamic", __base__=OutputModel, value=(int, 0))
    properties = _schema(Dynamic)["properties"]
    assert isinstance(properties, dict)
    assert properties["value"] == {"default": 0, "title": "Value", "type": "integer"}


def test_unset_defaults_are_left_out_and_real_defaults_kept() -> None:
    """Optional request fields default to UNSET ("not sent"), which has no JSON form."""

    class Request(InputModel):
        size: Annotated[int, Strict()] = 3
        label: OptionalNullable[str] = UNSET

    properties = _schema(Request)["properties"]
    assert isinstance(properties, dict)
    assert properties["size"]["default"] == 3
    assert "default" not in properties["label"]
    assert "default" not in _schema(models.CreateImageRequest)["properties"]["n"]  # type: ignore[index]


def test_a_schema_generator_of_the_users_own_is_used() -> None:
    class Marked(pydantic.json_schema.GenerateJsonSchema):
        def generate(self, schema: Any, mode: Any = "validation") -> Any:
            return {**super().generate(schema, mode), "x-marked": True}

    assert models.ImageData.model_json_schema(schema_generator=Marked)["x-marked"] is True
    assert models.ImageData.model_json_schema(True, "#/$defs/{model}", Marked)["x-marked"]
