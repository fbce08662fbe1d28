"""What the generator found wrong with a spec, kept as values.

Errors stop generation (nothing is written); warnings are printed once each and
generation goes on (`--strict` makes them errors). Every problem points where it is in
the spec, as a JSON pointer (`#/paths/~1pets/get/responses/200`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NoReturn

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding: where it is and what it is, in one line."""

    pointer: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


class SpecError(Exception):
    """The spec cannot be turned into correct code; `problems` lists every reason."""

    def __init__(self, problems: list[str] | list[Problem]) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


@dataclass
class Diagnostics:
    """Problems collected while loading and parsing one spec (each reported once)."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set, repr=False)
    _origins: dict[str, str] = field(default_factory=dict, repr=False)

    def error(self, pointer: str, message: str) -> None:
        self._add(Problem(self._origin(pointer or "#"), message, "error"))

    def warning(self, pointer: str, message: str) -> None:
        self._add(Problem(self._origin(pointer or "#"), message, "warning"))

    def fatal(self, pointer: str, message: str) -> NoReturn:
        """An error after which nothing more can be looked at: raise with every error."""
        self.error(pointer, message)
        raise SpecError(self.errors)

    def relocate(self, component: str, origin: str) -> None:
        """Problems inside `component` (`#/components/schemas/Pet`, bundled from another
        file, or moved there from `origin`) are reported where it is written
        (`schemas/pet.yaml#`); an origin inside another relocated component is followed."""
        self._origins[component] = self._origin(origin)

    def _origin(self, pointer: str) -> str:
        if self._origins and pointer.startswith("#/components/"):
            component = "/".join(pointer.split("/", 4)[:4])
            origin = self._origins.get(component)
            if origin is not None:
                return origin + pointer[len(component) :]
        return pointer

    def _add(self, problem: Problem) -> None:
        key = (problem.pointer, problem.message, problem.severity)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def check(self, *, strict: bool = False) -> None:
        """Raise `SpecError` with every error (and, when `strict`, every warning)."""
        failing = self.problems if strict else self.errors
        if failing:
            raise SpecError(failing)
