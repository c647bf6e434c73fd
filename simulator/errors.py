"""The project's own exceptions.

Every error a user can cause (a bad scenario, a bad ``--set``, a missing
file, an output folder that cannot be written, a command that asks for more
work than the declared bounds) is one of these. The command line catches
:class:`GovsimError`, prints its message on one line and exits with status
2; logic never calls ``sys.exit``.
"""

__all__ = ["GovsimError", "ParameterError", "ScenarioError", "OutputError", "UsageError",
           "LimitError"]


class GovsimError(Exception):
    """Base class of every error the user can fix by changing the input."""


class ParameterError(GovsimError, ValueError):
    """A parameter key is unknown, or its value has the wrong type or range."""


class ScenarioError(GovsimError):
    """A scenario cannot be found, read or understood."""


class OutputError(GovsimError):
    """An output location cannot be used (it exists already, or cannot be written)."""


class UsageError(GovsimError):
    """A malformed command line: an unknown option, a bad or missing value."""


class LimitError(GovsimError):
    """A command asks for more work than the declared bounds (``--large`` lifts them)."""
