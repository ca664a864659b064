"""Exceptions of the models layer.

Errors are classified by who must act. `EnvironmentProblem` and its subclasses are
for the user (a path to fix, a file to move aside) and carry a message that can be
shown as-is; any other exception is a bug and is logged with its traceback.
"""


class NocError(Exception):
    """Base of every exception NOC Console raises on purpose."""


class EnvironmentProblem(NocError):
    """Something outside the code must change; the message says what."""


class StoreError(EnvironmentProblem):
    """The cache cannot be opened, read or written (bad URL, corrupt file, disk full)."""


class ConfigError(EnvironmentProblem):
    """The configuration file is invalid; the message names file, key and problem."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}")
        self.path = path
        self.key = key
        self.problem = problem


class InvalidRecord(NocError):
    """A record from a source cannot be turned into a valid incident; it is skipped."""
