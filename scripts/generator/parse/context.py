"""The parser's shared state: the spec, the problems found, and what has been built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import ir
from ..diagnostics import Diagnostics

SCHEMAS = "#/components/schemas/"


@dataclass
class Intermediate:
    """A subtype of a polymorphic base with subtypes of its own (`Salmon`, between `Fish`
    and `SmartSalmon`): where it is referenced it means itself or one of them."""

    base: str  # the nearest base whose union has it as a variant
    descendants: tuple[str, ...]  # its subtypes, through allOf chains, nearest first
    alias: str = ""  # the class name of that union, given beside the component classes
    used: bool = False  # referenced somewhere: its union is generated


@dataclass
class ParseContext:
    """Everything the parser modules share while turning one spec into an `ir.Api`."""

    spec: Mapping[str, Any]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    models: dict[str, ir.Model] = field(default_factory=dict)
    enums: dict[str, ir.EnumDef] = field(default_factory=dict)
    aliases: dict[str, ir.AliasDef] = field(default_factory=dict)
    components: dict[str, ir.Type] = field(default_factory=dict)  # schema name -> type
    directions: dict[str, set[ir.Direction]] = field(default_factory=dict)  # schema name
    #: discriminator values unions give a model: class -> tag's wire name -> values
    tags: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # generated class names
    error_models: dict[str, str] = field(default_factory=dict)  # model -> exception class
    #: exceptions for error bodies that are not models: by their named type, or by name
    error_types: dict[ir.Type | str, ir.ErrorClass] = field(default_factory=dict)
    inline: dict[int, ir.Type] = field(default_factory=dict)  # id(schema) -> its model
    #: component schemas whose type is being built -> whether they were reached again
    building: dict[str, bool] = field(default_factory=dict)
    nullable_components: set[str] = field(default_factory=set)  # schemas that admit null
    component_classes: dict[str, str] = field(default_factory=dict)  # schema name -> class
    method_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, method)
    group_methods: dict[str, set[str]] = field(default_factory=dict)  # group -> method names
    #: base schemas that mean one of their subtypes (allOf polymorphism): name -> subtypes
    polymorphic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    variants: set[str] = field(default_factory=set)  # the subtypes of those bases
    intermediates: dict[str, Intermediate] = field(default_factory=dict)  # schema name
    _modules: set[str] = field(default_factory=set)  # module names of generated classes
    _counters: dict[str, int] = field(default_factory=dict)  # wanted class name -> last number
    _validated: set[str] = field(default_factory=set)  # pointers the validator warned about
    #: supported security schemes by their name in components.securitySchemes
    security_schemes: dict[str, ir.SecurityScheme] = field(default_factory=dict)

    def problem(self, pointer: str, message: str) -> None:
        """A defect that stops generation."""
        self.diagnostics.error(pointer, message)

    def warning(self, pointer: str, message: str) -> None:
        """A defect generation works around; fatal only with `--strict`. A place the
        validator already warned about gets no second message."""
        if pointer not in self._validated:
            self.diagnostics.warning(pointer, message)

    def __post_init__(self) -> None:
        self._validated = {p.pointer for p in self.diagnostics.problems}

    def components_of(self, kind: str) -> Mapping[str, Any]:
        """`components.<kind>` (`schemas`, `parameters`, ...), empty when absent."""
        found = (self.spec.get("components") or {}).get(kind) or {}
        return found if isinstance(found, Mapping) else {}

    @property
    def schemas(self) -> Mapping[str, Any]:
        return self.components_of("schemas")

    def ref_target(self, ref: object, kind: str, pointer: str) -> tuple[str, Any] | None:
        """`(name, object)` for a `$ref` to `#/components/<kind>/<name>`; None (and an
        error) when it points elsewhere or to nothing."""
        prefix = f"#/components/{kind}/"
        if not isinstance(ref, str) or not ref.startswith(prefix):
            self.problem(pointer, f"unsupported $ref {ref!r} (only {prefix}... is supported)")
            return None
        name = ref[len(prefix) :]
        target = self.components_of(kind).get(name)
        if target is None:
            self.problem(pointer, f"$ref {ref!r} points to nothing")
            return None
        return name, target

    def ref_name(self, ref: object, pointer: str) -> str | None:
        """The schema name a `$ref` to `#/components/schemas/<name>` points to."""
        found = self.ref_target(ref, "schemas", pointer)
        return found[0] if found else None

    def class_name(self, wanted: str) -> str:
        """A class name not used yet: `wanted`, else `wanted2`, `wanted3`, ... Its
        `TypedDict` twin and its module (the name in lower case) must be free too."""
        # Names only get taken, so the numbers tried for `wanted` before are still taken.
        counter = self._counters.get(wanted, 1)
        name = wanted if counter == 1 else f"{wanted}{counter}"
        while not self._free(name):
            counter += 1
            name = f"{wanted}{counter}"
        self._counters[wanted] = counter
        self.taken.update((name, f"{name}TypedDict"))
        self._modules.add(name.lower())
        return name

    def _free(self, name: str) -> bool:
        return (
            name not in self.taken
            and f"{name}TypedDict" not in self.taken
            and name.lower() not in self._modules
        )

    def reserve(self, names: set[str] | frozenset[str]) -> None:
        """Class names (and their modules) no schema may take."""
        self.taken.update(names)
        self._modules.update(name.lower() for name in names)

    def component_class(self, name: str) -> str:
        """The class (or alias) name of component schema `name`."""
        return self.component_classes[name]

    def direction_of(self, name: str) -> ir.Direction:
        """Whether component schema `name` is sent, received, or both."""
        found = self.directions.get(name, {"output"})
        if found == {"input", "output"}:
            return "both"
        return "input" if "input" in found else "output"


def text(value: object) -> str:
    """A description or summary from the spec, stripped ("" when absent)."""
    return str(value).strip() if value else ""


def shown(value: object, limit: int = 40) -> str:
    """A value from the spec as one short line of a message."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def escape(segment: str) -> str:
    """One JSON pointer segment (`/v1/pets` -> `~1v1~1pets`)."""
    return segment.replace("~", "~0").replace("/", "~1")
