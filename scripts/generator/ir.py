"""The typed intermediate model between the parsed spec and the templates.

Templates only read these objects; every decision (names, Python types, which model is
an input or an output) is made while building them, in parse.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .naming import env_var_prefix

Direction = Literal["input", "output"]


@dataclass(frozen=True)
class Constraints:
    """Validation keywords enforced on request models (pydantic `Field` arguments)."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    def field_arguments(self) -> str:
        """`ge=0, max_length=10`: the arguments for `pydantic.Field(...)`, in a fixed order."""
        parts = [
            f"{name}={value!r}"
            for name, value in (
                ("ge", self.ge),
                ("le", self.le),
                ("gt", self.gt),
                ("lt", self.lt),
                ("min_length", self.min_length),
                ("max_length", self.max_length),
                ("pattern", self.pattern),
            )
            if value is not None
        ]
        return ", ".join(parts)


@dataclass(frozen=True)
class TypeRef:
    """A Python type for a schema. `kind` is one of scalar, model, list, dict, any."""

    kind: Literal["scalar", "model", "list", "dict", "any"]
    name: str = ""  # scalar: str/int/float/bool; model: class name
    item: TypeRef | None = None  # list items / dict values
    constraints: Constraints = Constraints()

    def plain(self, prefix: str = "", link_base: str | None = None, suffix: str = "") -> str:
        """The type users see: `int`, `list[ImageData]`. `prefix` qualifies model names;
        with `link_base`, they become Markdown links to the model pages under it."""
        if self.kind == "scalar":
            return self.name
        if self.kind == "model":
            if link_base is not None:
                return f"[models.{self.name}]({link_base}{self.name.lower()}.md)"
            return prefix + self.name + suffix
        if self.kind in ("list", "dict"):
            assert self.item is not None
            inner = self.item.plain(prefix, link_base, suffix)
            return f"list[{inner}]" if self.kind == "list" else f"dict[str, {inner}]"
        return "Any"

    def validated(self) -> str:
        """The type inside an input model: scalars strict and constrained."""
        if self.kind == "scalar":
            arguments = self.constraints.field_arguments()
            extra = f", Field({arguments})" if arguments else ""
            return f"Annotated[{self.name}, Strict(){extra}]"
        if self.kind == "list":
            assert self.item is not None
            return f"list[{self.item.validated()}]"
        if self.kind == "dict":
            assert self.item is not None
            return f"dict[str, {self.item.validated()}]"
        return self.plain()

    def referenced_models(self) -> tuple[str, ...]:
        if self.kind == "model":
            return (self.name,)
        return self.item.referenced_models() if self.item is not None else ()


@dataclass(frozen=True)
class ModelField:
    """A property of an object schema."""

    name: str  # Python name
    wire_name: str  # name in JSON
    type: TypeRef
    required: bool
    nullable: bool
    description: str
    example: object | None = None

    @property
    def aliased(self) -> bool:
        return self.name != self.wire_name


@dataclass(frozen=True)
class Model:
    """An object schema that becomes a pydantic model."""

    class_name: str
    module: str
    description: str
    fields: tuple[ModelField, ...]
    direction: Direction
    pointer: str  # JSON pointer in the spec, for messages and docs

    @property
    def dependencies(self) -> tuple[str, ...]:
        names = {name for f in self.fields for name in f.type.referenced_models()}
        names.discard(self.class_name)
        return tuple(sorted(names))


@dataclass(frozen=True)
class ErrorResponse:
    status: str  # "400", "4XX", ...
    description: str


@dataclass(frozen=True)
class Operation:
    """One operation, already named for the SDK (`images.generate`)."""

    operation_id: str
    method: str  # upper case
    path: str
    method_name: str
    summary: str
    description: str
    body_model: Model | None
    response_model: Model | None
    requires_auth: bool
    errors: tuple[ErrorResponse, ...]

    @property
    def constant_name(self) -> str:
        return "_" + self.method_name.upper()


@dataclass(frozen=True)
class Resource:
    """A group of operations, exposed as an SDK attribute (`sdk.images`)."""

    attribute: str
    class_name: str
    module: str
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class SecurityScheme:
    name: str  # Python field name on models.Security
    wire_name: str
    description: str


@dataclass(frozen=True)
class Api:
    """Everything the templates render for one SDK."""

    title: str
    description: str
    api_version: str
    servers: tuple[str, ...]
    security: tuple[SecurityScheme, ...]
    resources: tuple[Resource, ...]
    models: tuple[Model, ...]


@dataclass(frozen=True)
class Package:
    """Who the generated code is for: names that do not come from the spec."""

    import_name: str  # atoma_sdk
    distribution: str  # atoma-sdk
    version: str
    sdk_class: str
    spec_name: str  # file name shown in the generated-file header
    bearer_env_var: str = field(default="")

    @property
    def env_prefix(self) -> str:
        """`ATOMASDK` for `AtomaSDK`: the prefix of the SDK's environment variables."""
        return env_var_prefix(self.sdk_class)
