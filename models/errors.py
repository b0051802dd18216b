"""Exceptions of the project: one base class, messages that say how to fix the problem."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InvalidProcedure", "Problem", "TthcError"]


class TthcError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a procedure file: where it is and what to change."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class InvalidProcedure(TthcError):
    """A procedure file (or several) failed validation; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class ImmutableVersion(TthcError):
    """Code tried to change or delete a stored procedure version."""
