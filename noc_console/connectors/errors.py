"""Exceptions of the connectors layer.

`ConnectorUnavailable` and subclasses are environment problems (network, auth, the
vendor's 5xx): the user sees them with what to do. Anything else is a bug.
"""

from noc_console.models.errors import EnvironmentProblem


class ConnectorUnavailable(EnvironmentProblem):
    """The source cannot be reached or refused us; the board keeps running from cache."""
