"""Python annotations for `ir.Type`s, with the imports they need.

One function per use of a type, because a type reads differently where it is used: in
a request model it is strict and constrained, in a response model it is lenient (open
enums, open unions), in a method signature it also accepts plain dicts, in a TypedDict
models become their TypedDicts, and in the docs models become links.
"""

from __future__ import annotations

import functools
import re
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from . import ir
from .naming import enum_member_names, field_name, module_name

#: "both": a model used in requests and responses: strict like input, open like output.
Mode = Literal["input", "output", "both", "param", "typeddict", "doc"]

_STDLIB = {"datetime": "datetime", "date": "datetime", "time": "datetime", "UUID": "uuid"}
#: Library names that fields often take (`time`): always imported as `_name`, so that no
#: field is renamed for them (`date` and `datetime` fields get a `_` since 0.1.3).
_ALIASED = frozenset({"time"})


@dataclass
class Imports:
    """`from X import a, b` lines a generated module needs, gathered while rendering."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    modules: set[str] = field(default_factory=set)

    #: names only annotations use, imported under `if TYPE_CHECKING:` (not at run time)
    type_only: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    #: the package's own class names (from the spec's schemas): a library name among
    #: them is imported as `_Name` (`Tag as _Tag`), so no schema is renamed for it (no
    #: class name nor field name starts with `_`)
    shadowed: frozenset[str] = frozenset()

    def add(self, module: str, *names: str) -> None:
        self.names[module].update(names)

    def use(self, module: str, name: str) -> str:
        """Import `name` from library `module`; how the module's code spells it."""
        if name in self.shadowed or name in _ALIASED:
            self.add(module, f"{name} as _{name}")
            return f"_{name}"
        self.add(module, name)
        return name

    def add_type_only(self, module: str, *names: str) -> None:
        self.type_only[module].update(names)
        self.add("typing", "TYPE_CHECKING")

    def add_module(self, module: str) -> None:
        self.modules.add(module)

    def lines(self) -> list[str]:
        """Import lines as ruff's isort rules order them (sections of standard library,
        third-party and relative imports, apart by a blank line), so that formatting
        the output does not rewrite them."""
        return sorted_imports(self.modules, self.names)

    def type_only_lines(self) -> list[str]:
        return sorted_imports(set(), self.type_only)


def sorted_imports(
    modules: set[str], names: Mapping[str, set[str]], wrap: bool = True
) -> list[str]:
    """`import m` and `from m import a, b` lines in isort's order: by section, then
    plain imports before `from` imports, modules case-insensitively (relative ones the
    furthest first), names constants first, then classes, then the rest; a line longer
    than 100 characters is wrapped one name a line (unless `wrap` is False)."""
    if not modules and not names:
        return []
    sections: dict[int, tuple[list[str], list[str]]] = {}
    for module in sorted(modules, key=_module_key):
        sections.setdefault(_section(module), ([], []))[0].append(f"import {module}")
    for module in sorted((m for m in names if names[m]), key=_module_key):
        members = sorted(names[module], key=_member_key)
        # a name imported `as` another is a statement of its own, placed by its name
        plain = [m for m in members if " as " not in m]
        statements = [[m] for m in members if " as " in m] + ([plain] if plain else [])
        if len(statements) > 1:
            statements.sort(key=lambda found: _member_key(found[0]))
        for members in statements:
            line = f"from {module} import {', '.join(members)}"
            if wrap and len(line) > 100:
                line = "\n".join([f"from {module} import (", *(f"    {m}," for m in members), ")"])
            sections.setdefault(_section(module), ([], []))[1].append(line)
    result: list[str] = []
    for _, (plain, from_lines) in sorted(sections.items()):
        result += ([""] if result else []) + plain + from_lines
    return result


@functools.cache
def _section(module: str) -> int:
    if module.startswith("."):
        return 3
    top = module.split(".", 1)[0]
    return 0 if top == "__future__" else 1 if top in sys.stdlib_module_names else 2


@functools.cache
def _module_key(module: str) -> tuple[int, tuple[str | int, ...], str]:
    """Relative modules the furthest first (`..x` before `.y`), then by name."""
    dots = len(module) - len(module.lstrip("."))
    return (-dots, _natural(module.lstrip(".")), module)


@functools.cache
def _member_key(name: str) -> tuple[int, tuple[str | int, ...], str]:
    """Constants (`UNSET`), then classes (`Optional`), then the rest (`cache`)."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, _natural(name), name)


def _natural(name: str) -> tuple[str | int, ...]:
    """Case-insensitive, numbers by value (`group2` before `group10`), as ruff sorts."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(name.lower()))


_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Context:
    """How to spell references: `models.X` from resources, `X` inside the models package."""

    mode: Mode
    qualify: str = ""  # prefix for generated names ("models.")
    model_module: str = ""  # for doc links: relative path to the model pages
    runtime: str = ".._runtime"
    #: models referenced without their module import (same module, or imported elsewhere)
    local: frozenset[str] = frozenset()
    #: names spelled as forward references (`"Json"`), in the definition that makes them
    forward: frozenset[str] = frozenset()


def annotation(t: ir.Type, ctx: Context, imports: Imports) -> str:
    """The annotation of `t` in `ctx`."""
    if isinstance(t, ir.ScalarType):
        return _scalar(t, ctx, imports)
    if isinstance(t, (ir.ModelType, ir.EnumType, ir.AliasType)):
        return _named(t, ctx, imports)
    if isinstance(t, ir.LiteralType):
        literal_type = imports.use("typing", "Literal")
        return f"{literal_type}[{', '.join(literal(v) for v in t.values)}]"
    if isinstance(t, (ir.ListType, ir.DictType)):
        return _container(t, ctx, imports)
    if isinstance(t, ir.TupleType):  # `tuple[()]`: the empty tuple (`items: false`)
        items = ", ".join(annotation(item, ctx, imports) for item in t.items) or "()"
        return _builtin("tuple", ctx, imports) + f"[{items}]"
    if isinstance(t, ir.UnionType):
        return _union(t, ctx, imports)
    if isinstance(t, ir.NullType):
        return "None"
    if isinstance(t, ir.FileType):
        name = "File" if t.part else "FileContent"
        if ctx.mode != "doc":
            imports.add(f"{ctx.runtime}.bodies", name)
        return name
    return imports.use("typing", "Any")


def _scalar(t: ir.ScalarType, ctx: Context, imports: Imports) -> str:
    parsed = t.name in _STDLIB
    name = imports.use(_STDLIB[t.name], t.name) if parsed and ctx.mode != "doc" else t.name
    if parsed and ctx.mode in ("param", "typeddict"):
        # IDs and dates usually arrive as strings: the string form is accepted (and
        # validated by the request model, which parses it).
        return f"{imports.use('typing', 'Union')}[{name}, str]"
    if ctx.mode not in ("input", "both"):
        return name
    # parsed types also take their string form
    arguments = [] if parsed else [f"{imports.use('pydantic', 'Strict')}()"]
    if t.name == "bytes" and ctx.mode == "both":  # a response's base64 text too
        imports.add(f"{ctx.runtime}.models", "base64_text")
        arguments.append("base64_text")
    if t.constraints.items():
        arguments.append(f"{imports.use('pydantic', 'Field')}({t.constraints.field_arguments()})")
    if t.name == "float":  # an int given is checked as a number and sent as an integer
        arguments.append(f"{imports.use(f'{ctx.runtime}.numeric', 'IntStaysInt')}()")
    if not arguments:
        return name
    return f"{imports.use('typing', 'Annotated')}[{name}, {', '.join(arguments)}]"


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
        annotated, field_ = imports.use("typing", "Annotated"), imports.use("pydantic", "Field")
        return f"{annotated}[{text}, {field_}({t.constraints.field_arguments()})]"
    return text


def _named(t: ir.NamedType, ctx: Context, imports: Imports) -> str:
    if ctx.mode == "doc":
        return f"[models.{t.name}]({ctx.model_module}{module_name(t.name)}.md)"
    with_dict = isinstance(t, (ir.ModelType, ir.AliasType))  # kinds with a TypedDict twin
    name = t.name + ("TypedDict" if ctx.mode == "typeddict" and with_dict else "")
    if t.name in ctx.forward:
        return literal(name)
    if not ctx.qualify and t.name not in ctx.local:
        imports.add(f".{module_name(t.name)}", name)
    text = ctx.qualify + name
    if with_dict and ctx.mode == "param":
        return f"{imports.use('typing', 'Union')}[{text}, {ctx.qualify}{t.name}TypedDict]"
    if isinstance(t, ir.EnumType) and t.open and ctx.mode in ("param", "typeddict"):
        return f"{imports.use('typing', 'Union')}[{text}, str]"  # any other string is sent
    if isinstance(t, ir.EnumType) and (ctx.mode in ("output", "both") or t.open):
        # Open enum: a value this SDK version does not know is kept, not refused (and,
        # when the spec says the list is open, is an ordinary string a request may send).
        annotated, union = imports.use("typing", "Annotated"), imports.use("typing", "Union")
        field_ = imports.use("pydantic", "Field")
        if t.open:
            unknown = "str"
        else:
            unknown = "UnrecognizedInt" if t.base == "int" else "UnrecognizedStr"
            imports.add(f"{ctx.runtime}.sentinel", unknown)
        return f'{annotated}[{union}[{text}, {unknown}], {field_}(union_mode="left_to_right")]'
    return text


def _union(t: ir.UnionType, ctx: Context, imports: Imports) -> str:
    union = imports.use("typing", "Union")
    members = [annotation(m, ctx, imports) for m in t.members]
    if ctx.mode in ("doc", "typeddict", "param") or t.discriminator is None:
        return f"{union}[{', '.join(members)}]"
    annotated = imports.use("typing", "Annotated")
    if ctx.mode == "input":
        field_ = imports.use("pydantic", "Field")
        python_name = field_name(t.discriminator)  # pydantic wants the field's Python name
        return (
            f"{annotated}[{union}[{', '.join(members)}], "
            f"{field_}(discriminator={literal(python_name)})]"
        )
    # Output: an unknown tag value parses as UnknownVariant instead of failing.
    tag, discriminator = imports.use("pydantic", "Tag"), imports.use("pydantic", "Discriminator")
    imports.add(f"{ctx.runtime}.models", "UnknownVariant", "open_discriminator")
    tagged = [f"{annotated}[{text}, {tag}({literal(text.rsplit('.', 1)[-1])})]" for text in members]
    tagged.append(f'{annotated}[UnknownVariant, {tag}("UnknownVariant")]')
    return (
        f"{annotated}[{union}[{', '.join(tagged)}], "
        f"{discriminator}(open_discriminator({literal(t.discriminator)}, {{{_tag_map(t)}}}))]"
    )


def _tag_map(t: ir.UnionType) -> str:
    """`'a': 'A', 'b': 'B'`: tag value -> member class name."""
    return ", ".join(f"{literal(value)}: {literal(name)}" for value, name in t.tags)


def field_annotation(
    f: ir.ModelField, direction: ir.Direction, ctx: Context, imports: Imports
) -> str:
    """A model field's annotation and default: `OptionalNullable[...] = UNSET`."""
    inner = annotation(f.type, ctx, imports)
    sentinel = f"{ctx.runtime}.sentinel"
    if direction in ("input", "both"):
        if f.required and f.has_default:
            annotation_text, default = inner, default_text(f, ctx, imports)
        elif f.required:
            annotation_text, default = inner, None
            if f.nullable:
                imports.add(sentinel, "Nullable")
                annotation_text = f"Nullable[{inner}]"
        elif f.nullable:
            imports.add(sentinel, "OptionalNullable", "UNSET")
            annotation_text, default = f"OptionalNullable[{inner}]", "UNSET"
        else:
            annotation_text, default = f"{imports.use('typing', 'Optional')}[{inner}]", "None"
    else:
        if f.required and not f.nullable:
            annotation_text, default = inner, None
        else:
            annotation_text = f"{imports.use('typing', 'Optional')}[{inner}]"
            default = None if f.required else "None"
    if f.aliased:
        annotated, field_ = imports.use("typing", "Annotated"), imports.use("pydantic", "Field")
        annotation_text = f"{annotated}[{annotation_text}, {field_}(alias={literal(f.wire_name)})]"
    return annotation_text + (f" = {default}" if default else "")


def param_annotation(f: ir.ModelField, ctx: Context, imports: Imports) -> str:
    """A method argument's annotation and default."""
    inner = annotation(f.type, ctx, imports)
    sentinel = f"{ctx.runtime}.sentinel"
    if f.required and f.has_default:
        return f"{inner} = {default_text(f, ctx, imports)}"
    if f.required and f.nullable:
        imports.add(sentinel, "Nullable")
        return f"Nullable[{inner}]"
    if f.required:
        return inner
    if f.nullable:
        imports.add(sentinel, "OptionalNullable", "UNSET")
        return f"OptionalNullable[{inner}] = UNSET"
    return f"{imports.use('typing', 'Optional')}[{inner}] = None"


def typed_dict_annotation(f: ir.ModelField, ctx: Context, imports: Imports) -> str:
    inner = annotation(f.type, ctx, imports)
    if f.nullable:
        imports.add(f"{ctx.runtime}.sentinel", "Nullable")
        inner = f"Nullable[{inner}]"
    if f.required and not f.has_default:
        return inner
    return f"{imports.use('typing_extensions', 'NotRequired')}[{inner}]"


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


def default_text(f: ir.ModelField, ctx: Context, imports: Imports) -> str:
    """A field's default as Python source: a literal, or the enum member (`Color.RED`)."""
    t = f.type
    if isinstance(t, ir.EnumType):
        names = t.member_names or enum_member_names(t.values)
        member = names[t.values.index(f.default)]
        return f"{ctx.qualify}{t.name}.{member}"
    if isinstance(t, ir.ScalarType) and t.name in ("datetime", "date", "time"):
        text = str(f.default).replace("Z", "+00:00")  # fromisoformat of Python 3.10
        return f"{imports.use(_STDLIB[t.name], t.name)}.fromisoformat({literal(text)})"
    if isinstance(t, ir.ScalarType) and t.name == "UUID":
        return f"{imports.use('uuid', 'UUID')}({literal(str(f.default))})"
    return literal(f.default)


def literal(value: object) -> str:
    """Python source of a value; a string in double quotes, as ruff format writes it
    (single quotes only around a string holding a double quote)."""
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        return f'"{text[1:-1]}"'
    return text
