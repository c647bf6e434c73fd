"""The project's own exceptions.

Every error a user can cause (a bad scenario, a bad ``--set``, a missing
file) is one of these. The command line catches :class:`GovsimError`, prints
its message on one line and exits with status 2; logic never calls
``sys.exit``.
"""

__all__ = ["GovsimError", "ParameterError", "ScenarioError", "OutputError"]


class GovsimError(Exception):
    """Base class of every error the user can fix by changing the input."""


class ParameterError(GovsimError, ValueError):
    """A parameter key is unknown, or its value has the wrong type or range."""


class ScenarioError(GovsimError):
    """A scenario cannot be found, read or understood."""


class OutputError(GovsimError):
    """An output location cannot be used (e.g. it exists already)."""
