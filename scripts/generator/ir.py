"""The typed intermediate model between the parsed spec and the templates.

Every decision (Python names, types, which model is an input or an output, how a
parameter travels) is made while building these objects in parse/; pytypes.py turns
types into annotations and render.py feeds the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

from .naming import env_var_prefix, pascal_case

#: input: sent; output: received; both: a schema used in requests and in responses.
Direction = Literal["input", "output", "both"]


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
        return ", ".join(f"{name}={value!r}" for name, value in self.items())

    def items(self) -> list[tuple[str, float | int | str]]:
        pairs = (
            ("ge", self.ge),
            ("le", self.le),
            ("gt", self.gt),
            ("lt", self.lt),
            ("min_length", self.min_length),
            ("max_length", self.max_length),
            ("pattern", self.pattern),
        )
        return [(name, value) for name, value in pairs if value is not None]


#: A value a `const` or a single-valued `enum` allows.
LiteralValue = str | int | float | bool


#: The Python types of scalars (`datetime`, `date`, `UUID` from the standard library).
ScalarName = Literal["str", "int", "float", "bool", "bytes", "datetime", "date", "time", "UUID"]


@dataclass(frozen=True)
class ScalarType:
    """A built-in or standard-library value type."""

    name: ScalarName
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class ModelType:
    """A generated pydantic model (`Model`)."""

    name: str


@dataclass(frozen=True)
class EnumType:
    """A generated Enum (`EnumDef`)."""

    name: str
    base: Literal["str", "int"]
    values: tuple[str | int, ...]
    #: the members' names, from the spec (`x-enum-varnames`); empty: made from the values
    member_names: tuple[str, ...] = ()
    #: the spec says other values are valid too (Azure's `x-ms-enum: {modelAsString:
    #: true}`): requests accept any string as well, not only responses
    open: bool = False


@dataclass(frozen=True)
class LiteralType:
    """Fixed values (`const`, a single-valued enum, booleans): `Literal[...]`."""

    values: tuple[LiteralValue, ...]


@dataclass(frozen=True)
class ListType:
    item: Type
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class DictType:
    """A JSON object with string keys and values of one type."""

    value: Type
    constraints: Constraints = Constraints()


@dataclass(frozen=True)
class TupleType:
    """An array with a type per position (`prefixItems`)."""

    items: tuple[Type, ...]


@dataclass(frozen=True)
class UnionType:
    """One of `members`; told apart by the `discriminator` property when it has one."""

    members: tuple[Type, ...]
    discriminator: str | None = None  # wire name of the tag property
    tags: tuple[tuple[str, str], ...] = ()  # (tag value, member class name)


@dataclass(frozen=True)
class AliasType:
    """A generated type alias (`AliasDef`), for a named schema that is not an object."""

    name: str


@dataclass(frozen=True)
class AnyType:
    """Any JSON value."""


@dataclass(frozen=True)
class NullType:
    """JSON null as a member of a union inside a list, map or tuple (`items: {type:
    [string, 'null']}` is `list[Optional[str]]`); a nullable field says so itself."""


@dataclass(frozen=True)
class FileType:
    """Content to upload: bytes or a binary file object. `part`: a file part of a
    multipart body, which also takes a `(filename, content, content_type)` tuple."""

    part: bool = True


#: The type of a schema: one class per kind.
Type = Union[
    ScalarType,
    ModelType,
    EnumType,
    LiteralType,
    ListType,
    DictType,
    TupleType,
    UnionType,
    AliasType,
    AnyType,
    FileType,
    NullType,
]

#: Types generated as a class or alias of their own, referenced by name.
NamedType = Union[ModelType, EnumType, AliasType]


def referenced(t: Type) -> tuple[str, ...]:
    """Names of the generated models, enums and aliases `t` mentions."""
    if isinstance(t, (ModelType, EnumType, AliasType)):
        return (t.name,)
    if isinstance(t, ListType):
        return referenced(t.item)
    if isinstance(t, DictType):
        return referenced(t.value)
    if isinstance(t, (TupleType, UnionType)):
        parts = t.items if isinstance(t, TupleType) else t.members
        return tuple(name for part in parts for name in referenced(part))
    return ()


def constraints_of(t: Type) -> Constraints:
    """The validation keywords on `t` (none for types that cannot carry them)."""
    if isinstance(t, (ScalarType, ListType, DictType)):
        return t.constraints
    return Constraints()


@dataclass(frozen=True)
class ModelField:
    """A property of an object schema, or an operation parameter."""

    name: str  # Python name
    wire_name: str  # name in JSON, the query string, the path or the header
    type: Type
    required: bool
    nullable: bool
    description: str
    example: object | None = None
    default: object | None = None
    has_default: bool = False

    @property
    def aliased(self) -> bool:
        return self.name != self.wire_name

    @property
    def always_sent(self) -> bool:
        """A required property with a default: an optional argument whose default is sent."""
        return self.required and self.has_default

    @property
    def constant(self) -> bool:
        """A required property with one possible value: sent, but no argument of methods."""
        return self.required and isinstance(self.type, LiteralType) and len(self.type.values) == 1


@dataclass(frozen=True)
class Model:
    """An object schema that becomes a pydantic model."""

    class_name: str
    module: str
    description: str
    fields: tuple[ModelField, ...]
    direction: Direction
    pointer: str  # JSON pointer in the spec, for messages and docs
    #: wire name -> the values the property may take (set by discriminated unions)
    tag_values: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class EnumDef:
    """A schema with `enum`: a named Enum. Open: unknown values from the server are kept."""

    class_name: str
    module: str
    description: str
    base: Literal["str", "int"]
    values: tuple[str | int, ...]
    pointer: str
    member_names: tuple[str, ...] = ()  # as `EnumType.member_names`
    open: bool = False  # as `EnumType.open`


@dataclass(frozen=True)
class AliasDef:
    """A named schema that is not an object (a union, usually): a type alias."""

    name: str
    module: str
    description: str
    type: Type
    direction: Direction
    pointer: str


@dataclass(frozen=True)
class ErrorResponse:
    status: str  # "400", "4XX", "default"
    description: str
    type: Type | None = None  # the declared schema, if any
    media_type: str = "application/json"
    #: the generated exception for a type that is not a model (a model's is its own)
    exception: str | None = None


@dataclass(frozen=True)
class ErrorClass:
    """An exception for error bodies whose type is not a model (an array, a primitive, a
    union, a text): raised with the parsed body in `.data`."""

    name: str
    module: str
    description: str
    type: Type
    media_type: str


ParameterLocation = Literal["path", "query", "header", "cookie"]
ParameterStyle = Literal[
    "simple", "label", "matrix", "form", "spaceDelimited", "pipeDelimited", "deepObject"
]


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter, and how its value is serialized."""

    location: ParameterLocation
    field: ModelField
    style: ParameterStyle
    #: arrays and objects: one pair per item (`a=1&a=2`) when True, joined (`a=1,2`) when False
    explode: bool
    #: its key in the validated parameters when another parameter of the operation has the
    #: same wire name (`id` in the path and in the query); "": the wire name
    key: str = ""
    #: a JSON media type when the parameter is sent as JSON text (`content`, not `schema`)
    media_type: str = ""
    #: a query value's reserved characters (`/`, `:`, `,`, ...) sent as they are
    allow_reserved: bool = False


@dataclass(frozen=True)
class PartEncoding:
    """OpenAPI `encoding` of one property of a form or multipart body."""

    wire_name: str
    content_type: str = ""  # multipart: the part's type when the value does not give one
    style: ParameterStyle | None = None  # form: how the value is spelled, as in a query
    explode: bool | None = None
    allow_reserved: bool = False  # form: reserved characters are sent as they are


@dataclass(frozen=True)
class Stream:
    """A `text/event-stream` response: events of type `event`: each event's data, or
    with `whole_event` the whole event (`data` and some of `event`, `id`, `retry`). With
    a JSON Lines `media_type`, each line of the body is an `event` instead."""

    event: Type
    sentinel: str | None
    whole_event: bool = False
    text_data: bool = False  # the data is plain text, not JSON
    media_type: str = ""  # a JSON Lines media type; "": server-sent events

    @property
    def json_lines(self) -> bool:
        return bool(self.media_type)


@dataclass(frozen=True)
class Confidential:
    """`x-atoma-confidential`: the operation is the encrypted envelope of `request` and
    `response`; the method locks a node with another operation first."""

    pointer: str  # of the extension, for problems found when linking the lock
    request: Model  # the plaintext request: its fields are the method's arguments
    response: Type  # the decrypted answer
    lock_operation_id: str
    compute_units: str  # the runtime's estimator (`COMPUTE_UNITS`)
    lock_module: str = ""  # the resource module of the lock operation, once linked
    lock_function: str = ""  # its operation function
    lock_request: Model | None = None  # its body model


@dataclass(frozen=True)
class ServerVariable:
    """A `{name}` of a server URL (OpenAPI server `variables`): its default (None: the
    spec gives none, the user must) and the values it may take (empty: any)."""

    name: str
    default: str | None
    values: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Server:
    """A server URL as the spec writes it: absolute, with `{variables}`, or relative."""

    url: str
    variables: tuple[ServerVariable, ...] = ()
    description: str = ""

    @property
    def relative(self) -> bool:
        return "://" not in self.url


@dataclass(frozen=True)
class Operation:
    """One operation, already named for the SDK (`images.generate`)."""

    operation_id: str
    method: str  # upper case
    path: str  # without any `#stream` suffix
    method_name: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body_fields: tuple[ModelField, ...]  # flattened keyword arguments of the body
    body_model: Model | None  # the object model they build, when the body is an object
    body_type: Type | None  # the body's type when it is not an object (a `body` argument)
    body_required: bool
    response: Type | None  # None: no content
    stream: Stream | None
    #: the security requirements it accepts: alternatives, each a set of `SecurityScheme`
    #: names used together; empty: no credentials are sent
    security: tuple[tuple[str, ...], ...]
    errors: tuple[ErrorResponse, ...]
    body_media_type: str = "application/json"
    #: form and multipart bodies: the `encoding` of the properties that have one
    body_encoding: tuple[PartEncoding, ...] = ()
    response_media_type: str = "application/json"  # of `response`
    #: body fields the method sets itself (`stream=True` for a streaming variant)
    body_constants: tuple[tuple[str, LiteralValue], ...] = ()
    #: a variant returning the binary `response` unread, to stream it (`BinaryStream`)
    binary_stream: bool = False
    confidential: Confidential | None = None
    #: `x-atoma-batch: true`: also a `<name>_many` method running it over many inputs
    batch: bool = False
    #: `deprecated: true`: calling the method warns (`DeprecationWarning`)
    deprecated: bool = False
    #: other success statuses ("201", "2XX") whose body is not `response`: another JSON
    #: type, or None for no content; the method returns the union
    other_responses: tuple[tuple[str, Type | None], ...] = ()
    #: `x-sdk-argument-order`: the wire names of the arguments that come first, in this
    #: order, before the per-call options; the others come after those options (so the
    #: signature of an earlier release stays the start of the new one)
    argument_order: tuple[str, ...] = ()
    #: path- or operation-level `servers` that differ from the root's (empty: the SDK's)
    servers: tuple[Server, ...] = ()
    #: the success body may be JSON `null` (the method returns `Optional[response]`)
    response_nullable: bool = False
    #: the declared 3XX statuses ("302", "3XX"): answers returned as a `Redirect`
    redirects: tuple[str, ...] = ()

    @property
    def batched(self) -> bool:
        """Has a `<name>_many` method: marked, and answering one result (not a stream)."""
        return (
            self.batch and self.response is not None and self.stream is None
        ) and not self.binary_stream

    @property
    def returned_redirects(self) -> tuple[str, ...]:
        """The redirects the method returns: one reading its answer whole (a stream's
        method raises for them, as for any status it cannot stream)."""
        return () if self.stream is not None or self.binary_stream else self.redirects

    @property
    def operation_function(self) -> str:
        """The private function returning this operation's `Operation` (built once)."""
        return f"_{self.method_name}_operation"

    @property
    def params_class(self) -> str:
        return "_" + pascal_case(self.method_name) + "Params"

    @property
    def params_function(self) -> str:
        """The private function defining `params_class` (on the first call)."""
        return f"_{self.method_name}_params"

    @property
    def confidential_function(self) -> str:
        """The private function returning the method's `ConfidentialOperation`."""
        return f"_{self.method_name}_confidential"


@dataclass(frozen=True)
class Resource:
    """A group of operations, exposed as an SDK attribute (`sdk.images`)."""

    attribute: str
    class_name: str
    module: str
    description: str
    operations: tuple[Operation, ...]


SecurityKind = Literal["bearer", "basic", "api_key"]
SecurityLocation = Literal["header", "query", "cookie"]


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme: an SDK constructor argument and a field of `models.Security`.

    `bearer` (HTTP bearer, OAuth2, OpenID Connect) and `basic` travel in `Authorization`;
    `api_key` in the header, query parameter or cookie `parameter`.
    """

    name: str  # Python argument name
    wire_name: str  # its name in components.securitySchemes
    description: str
    kind: SecurityKind
    env_var: str  # read when the argument is not given
    location: SecurityLocation = "header"
    parameter: str = "Authorization"


@dataclass(frozen=True)
class Webhook:
    """A request the API sends (OpenAPI `webhooks`): no method, a type for its payload."""

    name: str
    method: str  # upper case
    payload: Type


@dataclass(frozen=True)
class Api:
    """Everything the templates render for one SDK."""

    title: str
    description: str
    api_version: str
    servers: tuple[Server, ...]  # empty: the SDK needs a `server_url`
    security: tuple[SecurityScheme, ...]
    resources: tuple[Resource, ...]
    models: tuple[Model, ...]
    enums: tuple[EnumDef, ...] = ()
    aliases: tuple[AliasDef, ...] = ()
    #: error models that become exception classes: model class name -> exception name
    error_classes: tuple[tuple[str, str], ...] = ()
    #: exceptions for error bodies that are not models
    error_types: tuple[ErrorClass, ...] = ()
    webhooks: tuple[Webhook, ...] = ()

    @property
    def confidential(self) -> bool:
        """Has confidential methods (the SDK then takes a `require_signature` default)."""
        return any(op.confidential for r in self.resources for op in r.operations)


@dataclass(frozen=True)
class Timeouts:
    """The SDK's default timeouts in seconds, when neither a call nor the user's client
    sets any (`[tool.atoma-generator] timeouts`, else these)."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 60.0


@dataclass(frozen=True)
class Package:
    """Who the generated code is for: names that do not come from the spec."""

    import_name: str  # atoma_sdk
    distribution: str  # atoma-sdk
    version: str
    sdk_class: str
    spec_name: str  # file name shown in the generated-file header
    timeouts: Timeouts = Timeouts()

    @property
    def env_prefix(self) -> str:
        """`ATOMASDK` for `AtomaSDK`: the prefix of the SDK's environment variables."""
        return env_var_prefix(self.sdk_class)
