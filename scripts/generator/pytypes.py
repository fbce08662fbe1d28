"""Python annotations for `ir.Type`s, with the imports they need.

One function per use of a type, because a type reads differently where it is used: in
a request model it is strict and constrained, in a response model it is lenient (open
enums, open unions), in a method signature it also accepts plain dicts, in a TypedDict
models become their TypedDicts, and in the docs models become links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from . import ir
from .naming import enum_member_names, field_name, module_name

#: "both": a model used in requests and responses: strict like input, open like output.
Mode = Literal["input", "output", "both", "param", "typeddict", "doc"]

_STDLIB = {"datetime": "datetime", "date": "datetime", "UUID": "uuid"}


@dataclass
class Imports:
    """`from X import a, b` lines a generated module needs, gathered while rendering."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    modules: set[str] = field(default_factory=set)

    #: names only annotations use, imported under `if TYPE_CHECKING:` (not at run time)
    type_only: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, module: str, *names: str) -> None:
        self.names[module].update(names)

    def add_type_only(self, module: str, *names: str) -> None:
        self.type_only[module].update(names)
        self.add("typing", "TYPE_CHECKING")

    def add_module(self, module: str) -> None:
        self.modules.add(module)

    def lines(self) -> list[str]:
        """Import lines (ruff sorts and groups them when the output is formatted)."""
        plain = [f"import {module}" for module in sorted(self.modules)]
        return plain + [
            f"from {module} import {', '.join(sorted(names))}"
            for module, names in sorted(self.names.items())
            if names
        ]

    def type_only_lines(self) -> list[str]:
        return [
            f"from {module} import {', '.join(sorted(names))}"
            for module, names in sorted(self.type_only.items())
        ]


@dataclass(frozen=True)
class Context:
    """How to spell references: `models.X` from resources, `X` inside the models package."""

    mode: Mode
    qualify: str = ""  # prefix for generated names ("models.")
    model_module: str = ""  # for doc links: relative path to the model pages
    runtime: str = ".._runtime"
    #: models referenced without their module import (same module, or imported elsewhere)
    local: frozenset[str] = frozenset()


def annotation(t: ir.Type, ctx: Context, imports: Imports) -> str:
    """The annotation of `t` in `ctx`."""
    if isinstance(t, ir.ScalarType):
        return _scalar(t, ctx, imports)
    if isinstance(t, (ir.ModelType, ir.EnumType, ir.AliasType)):
        return _named(t, ctx, imports)
    if isinstance(t, ir.LiteralType):
        imports.add("typing", "Literal")
        return f"Literal[{', '.join(repr(v) for v in t.values)}]"
    if isinstance(t, (ir.ListType, ir.DictType)):
        return _container(t, ctx, imports)
    if isinstance(t, ir.TupleType):
        return _builtin("tuple", ctx, imports) + (
            f"[{', '.join(annotation(item, ctx, imports) for item in t.items)}]"
        )
    if isinstance(t, ir.UnionType):
        return _union(t, ctx, imports)
    if isinstance(t, ir.FileType):
        name = "File" if t.part else "FileContent"
        if ctx.mode != "doc":
            imports.add(f"{ctx.runtime}.bodies", name)
        return name
    imports.add("typing", "Any")
    return "Any"


def _scalar(t: ir.ScalarType, ctx: Context, imports: Imports) -> str:
    parsed = t.name in _STDLIB
    if parsed:
        imports.add(_STDLIB[t.name], t.name)
    if parsed and ctx.mode in ("param", "typeddict"):
        # IDs and dates usually arrive as strings: the string form is accepted (and
        # validated by the request model, which parses it).
        imports.add("typing", "Union")
        return f"Union[{t.name}, str]"
    if ctx.mode not in ("input", "both"):
        return t.name
    imports.add("typing", "Annotated")
    arguments = [] if parsed else ["Strict()"]  # parsed types also take their string form
    if not parsed:
        imports.add("pydantic", "Strict")
    if t.constraints.items():
        imports.add("pydantic", "Field")
        arguments.append(f"Field({t.constraints.field_arguments()})")
    return f"Annotated[{t.name}, {', '.join(arguments)}]" if arguments else t.name


def _builtin(name: str, ctx: Context, imports: Imports) -> str:
    """`list` / `builtins.list`: in resource modules a method may be named `list` or `dict`."""
    if not ctx.qualify:
        return name
    imports.add_module("builtins")
    return f"builtins.{name}"


def _container(t: ir.ListType | ir.DictType, ctx: Context, imports: Imports) -> str:
    if isinstance(t, ir.ListType):
        text = f"{_builtin('list', ctx, imports)}[{annotation(t.item, ctx, imports)}]"
    else:
        text = f"{_builtin('dict', ctx, imports)}[str, {annotation(t.value, ctx, imports)}]"
    if ctx.mode in ("input", "both") and t.constraints.items():
        imports.add("typing", "Annotated")
        imports.add("pydantic", "Field")
        return f"Annotated[{text}, Field({t.constraints.field_arguments()})]"
    return text


def _named(t: ir.NamedType, ctx: Context, imports: Imports) -> str:
    if ctx.mode == "doc":
        return f"[models.{t.name}]({ctx.model_module}{module_name(t.name)}.md)"
    with_dict = isinstance(t, (ir.ModelType, ir.AliasType))  # kinds with a TypedDict twin
    name = t.name + ("TypedDict" if ctx.mode == "typeddict" and with_dict else "")
    if not ctx.qualify and t.name not in ctx.local:
        imports.add(f".{module_name(t.name)}", name)
    text = ctx.qualify + name
    if with_dict and ctx.mode == "param":
        imports.add("typing", "Union")
        return f"Union[{text}, {ctx.qualify}{t.name}TypedDict]"
    if isinstance(t, ir.EnumType) and ctx.mode in ("output", "both"):
        # Open enum: a value this SDK version does not know is kept, not refused.
        unknown = "UnrecognizedInt" if t.base == "int" else "UnrecognizedStr"
        imports.add("typing", "Annotated", "Union")
        imports.add("pydantic", "Field")
        imports.add(f"{ctx.runtime}.sentinel", unknown)
        return f'Annotated[Union[{text}, {unknown}], Field(union_mode="left_to_right")]'
    return text


def _union(t: ir.UnionType, ctx: Context, imports: Imports) -> str:
    imports.add("typing", "Union")
    members = [annotation(m, ctx, imports) for m in t.members]
    if ctx.mode in ("doc", "typeddict", "param") or t.discriminator is None:
        return f"Union[{', '.join(members)}]"
    imports.add("typing", "Annotated")
    if ctx.mode == "input":
        imports.add("pydantic", "Field")
        python_name = field_name(t.discriminator)  # pydantic wants the field's Python name
        return f"Annotated[Union[{', '.join(members)}], Field(discriminator={python_name!r})]"
    # Output: an unknown tag value parses as UnknownVariant instead of failing.
    imports.add("pydantic", "Discriminator", "Tag")
    imports.add(f"{ctx.runtime}.models", "UnknownVariant", "open_discriminator")
    tagged = [f"Annotated[{text}, Tag({text.rsplit('.', 1)[-1]!r})]" for text in members]
    tagged.append("Annotated[UnknownVariant, Tag('UnknownVariant')]")
    return (
        f"Annotated[Union[{', '.join(tagged)}], "
        f"Discriminator(open_discriminator({t.discriminator!r}, {{{_tag_map(t)}}}))]"
    )


def _tag_map(t: ir.UnionType) -> str:
    """`'a': 'A', 'b': 'B'`: tag value -> member class name."""
    return ", ".join(f"{value!r}: {name!r}" for value, name in t.tags)


def field_annotation(
    f: ir.ModelField, direction: ir.Direction, ctx: Context, imports: Imports
) -> str:
    """A model field's annotation and default: `OptionalNullable[...] = UNSET`."""
    inner = annotation(f.type, ctx, imports)
    sentinel = f"{ctx.runtime}.sentinel"
    if direction in ("input", "both"):
        if f.required and f.has_default:
            annotation_text, default = inner, default_text(f, ctx)
        elif f.required:
            annotation_text, default = inner, None
            if f.nullable:
                imports.add(sentinel, "Nullable")
                annotation_text = f"Nullable[{inner}]"
        elif f.nullable:
            imports.add(sentinel, "OptionalNullable", "UNSET")
            annotation_text, default = f"OptionalNullable[{inner}]", "UNSET"
        else:
            imports.add("typing", "Optional")
            annotation_text, default = f"Optional[{inner}]", "None"
    else:
        if f.required and not f.nullable:
            annotation_text, default = inner, None
        else:
            imports.add("typing", "Optional")
            annotation_text = f"Optional[{inner}]"
            default = None if f.required else "None"
    if f.aliased:
        imports.add("typing", "Annotated")
        imports.add("pydantic", "Field")
        annotation_text = f"Annotated[{annotation_text}, Field(alias={f.wire_name!r})]"
    return annotation_text + (f" = {default}" if default else "")


def param_annotation(f: ir.ModelField, ctx: Context, imports: Imports) -> str:
    """A method argument's annotation and default."""
    inner = annotation(f.type, ctx, imports)
    sentinel = f"{ctx.runtime}.sentinel"
    if f.required and f.has_default:
        return f"{inner} = {default_text(f, ctx)}"
    if f.required and f.nullable:
        imports.add(sentinel, "Nullable")
        return f"Nullable[{inner}]"
    if f.required:
        return inner
    if f.nullable:
        imports.add(sentinel, "OptionalNullable", "UNSET")
        return f"OptionalNullable[{inner}] = UNSET"
    imports.add("typing", "Optional")
    return f"Optional[{inner}] = None"


def typed_dict_annotation(f: ir.ModelField, ctx: Context, imports: Imports) -> str:
    inner = annotation(f.type, ctx, imports)
    if f.nullable:
        imports.add(f"{ctx.runtime}.sentinel", "Nullable")
        inner = f"Nullable[{inner}]"
    if f.required and not f.has_default:
        return inner
    imports.add("typing_extensions", "NotRequired")
    return f"NotRequired[{inner}]"


def doc_annotation(f: ir.ModelField, direction: ir.Direction, link_base: str = "") -> str:
    """The type as the reference docs show it, with links to model pages."""
    text = annotation(f.type, Context("doc", model_module=link_base), Imports())
    if f.required:
        return f"Nullable[{text}]" if f.nullable else text
    if direction in ("input", "both") and f.nullable:
        return f"OptionalNullable[{text}]"
    return f"Optional[{text}]"


def doc_type(t: ir.Type | None, link_base: str = "") -> str:
    """A bare type as the docs show it (`None` for no content)."""
    if t is None:
        return "None"
    return annotation(t, Context("doc", model_module=link_base), Imports())


def default_text(f: ir.ModelField, ctx: Context) -> str:
    """A field's default as Python source: a literal, or the enum member (`Color.RED`)."""
    t = f.type
    if isinstance(t, ir.EnumType):
        member = enum_member_names(t.values)[t.values.index(f.default)]
        return f"{ctx.qualify}{t.name}.{member}"
    if isinstance(t, ir.ScalarType) and t.name in ("datetime", "date"):
        text = str(f.default).replace("Z", "+00:00")  # fromisoformat of Python 3.10
        return f"{t.name}.fromisoformat({text!r})"
    if isinstance(t, ir.ScalarType) and t.name == "UUID":
        return f"UUID({str(f.default)!r})"
    return repr(f.default)
