"""One exception family: every problem carries its file, line, column and field path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a source, located as precisely as we know it."""

    file: str
    """The source file, as the user named it (relative where possible)."""
    line: int | None
    """1-based line, or None when the problem has no position (e.g. an empty file)."""
    col: int | None
    """1-based column."""
    path: str
    """The field path, e.g. ``sections[2].body[1].commitments[3].question``; empty for file-level problems."""
    message: str
    """What is wrong, in words a non-programmer can act on."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class CharterError(Exception):
    """Base of every error the CLI reports as lines instead of a traceback."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, str):
            problems = [Problem("charterpress", None, None, "", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        """Keep the problems when the error crosses a process boundary (parallel builds)."""
        return (self.__class__, (self.problems,))


class SourceError(CharterError):
    """A source file is not a valid charter."""


class BuildError(CharterError):
    """Content that is valid but cannot be produced (e.g. a card text too long)."""


class UsageError(CharterError):
    """The command line asked for something impossible (exit code 2)."""

    exit_code = 2
