"""Keeping secrets out of logs and error messages.

A `Redactor` knows the secret values of one connector (passwords, tokens, keys) and
replaces them, and the values of query parameters that usually carry secrets, with
`***` in any text before it is logged or put in an exception. Auth itself travels in
headers, which NOC Console never logs; this is the second line of defence.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

MASK = "***"
_SECRET_PARAMS = re.compile(
    r"(?i)\b(token|access_token|refresh_token|password|secret|client_secret|api_?key|"
    r"private_?key)=([^&\s#]+)"
)


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) >= 4:  # masking "a" everywhere would garble every message
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={MASK}", text)


#: Every connector's secrets, for the filter below and for messages.
REDACT = Redactor()


class RedactingFilter(logging.Filter):
    """Rewrites records of loggers we do not own (urllib3 logs full URLs at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = REDACT(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def guard_third_party_loggers() -> None:
    """Attach the filter where HTTP libraries log URLs (logger filters don't inherit)."""
    for name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager",
                 "urllib3.util.retry", "requests"):  # fmt: skip
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
