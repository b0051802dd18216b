"""Every error this project raises on purpose: one base class, one module, messages
that say how to fix the problem (what a user or an operator reads)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DiagramNotDrawn",
    "FolderNotAllowed",
    "GraphvizMissing",
    "ImmutableVersion",
    "InvalidInput",
    "InvalidProcedure",
    "InvalidRuleParameter",
    "InvalidSettings",
    "LoopWithoutExit",
    "MigrationError",
    "NightIncomplete",
    "OutputNotWritten",
    "PlanDoesNotAddUp",
    "Problem",
    "ShardMismatch",
    "StackError",
    "StoreBusy",
    "StoreTooNew",
    "StoreUnavailable",
    "TthcError",
    "UnknownDataSource",
    "UnknownProcedure",
    "UnknownRule",
    "UnreadableDocument",
]


class TthcError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file: where it is and what to change."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class InvalidInput(TthcError):
    """One input file or several failed validation; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class InvalidProcedure(InvalidInput):
    """A procedure file (or several) failed validation; nothing was stored."""


class UnreadableDocument(InvalidInput):
    """An office document (Word, Excel, PDF, a portal page) could not be read as
    internal-process tables or a procedure record; nothing was drafted or stored."""


class InvalidSettings(InvalidInput):
    """A settings file (the data-source registry, the cost settings) failed validation."""


class UnknownDataSource(TthcError):
    """A data source named to connect is not in the registry."""


class UnknownRule(TthcError):
    """A rule code or group that the catalogue does not have."""


class InvalidRuleParameter(TthcError):
    """A rule parameter with a wrong name or value."""


class UnknownProcedure(TthcError):
    """A procedure code that is neither in the store nor in the bundled catalogue."""


class LoopWithoutExit(TthcError):
    """A rework loop whose way out has probability 0: the expected time is infinite."""

    def __init__(self) -> None:
        super().__init__("a loop never exits: give its way out a probability above 0")


class ImmutableVersion(TthcError):
    """Code tried to change or delete a stored procedure version."""


class StoreTooNew(TthcError):
    """The store was written by a newer version of tthc than this one."""


class MigrationError(TthcError):
    """The store's migrations cannot run: none found, or no store named."""


class OutputNotWritten(TthcError):
    """An output folder cannot be written (read-only, full, not a folder)."""


class StoreUnavailable(TthcError):
    """The store's URL names no database that can be opened."""


class StoreBusy(TthcError):
    """Another writer held the store longer than this one would wait; nothing was stored."""


class DiagramNotDrawn(TthcError):
    """Graphviz could not draw a diagram in time (or at all)."""


class GraphvizMissing(TthcError):
    """Graphviz's `dot` program is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz's `dot` was not found on PATH: install it (Debian: "
            "`apt-get install graphviz`, or run `make demo` as root, which does it)"
        )


class FolderNotAllowed(TthcError):
    """A flow was given a folder outside those the settings let it read or write."""


class StackError(TthcError):
    """A part of the local stack (`tthc serve`) failed to start."""


class PlanDoesNotAddUp(TthcError):
    """A plan's figures contradict each other; no document was written."""


class ShardMismatch(TthcError):
    """A worker's rules or inputs differ from those the night was planned with."""


class NightIncomplete(TthcError):
    """Some shards of a nightly run did not finish; what the others stored stays."""
