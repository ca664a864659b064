"""NOC Console: a live multi-client incident board for MSP network operations centres."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noc-console")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

APP_NAME = "NOC Console"
APP_ID = "noc-console"
