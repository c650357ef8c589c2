"""Secrets stay out of the log at every level, LOG_LEVEL=DEBUG included.

Two measures, installed by `configure_logging`: libraries that log their inputs verbatim at DEBUG are held at
INFO (aiosqlite prints every SQL statement with its parameters, pending OAuth `state` values among them), and
every handler redacts what still looks like a credential: interaction and webhook tokens in Discord URLs and
gateway payloads, OAuth codes, states and verifiers, bearer and refresh tokens.
"""

from __future__ import annotations

import logging
import re

# logger name -> the lowest level it may log at
QUIET_LOGGERS: dict[str, int] = {"aiosqlite": logging.INFO}

_SECRET_KEYS = "token|access_token|refresh_token|code|code_verifier|state|client_secret"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[\w\-.~]+"), r"\1<redacted>"),
    (re.compile(rf"""(['"](?:{_SECRET_KEYS})['"]\s*:\s*['"])[^'"]+"""), r"\1<redacted>"),
    (re.compile(rf"""(\b(?:{_SECRET_KEYS})=)[^&\s'"<>]+"""), r"\1<redacted>"),
    (re.compile(r"(\bBearer\s+)[\w\-.~+/]+=*", re.IGNORECASE), r"\1<redacted>"),
)


def redact(text: str) -> str:
    """`text` with anything that looks like a token, code or OAuth state replaced by <redacted>."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter: the formatted message, redacted, replaces the record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def quiet_libraries() -> None:
    """Hold the loggers in QUIET_LOGGERS at their minimum level (whatever LOG_LEVEL says)."""
    for name, minimum in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < minimum:
            logger.setLevel(minimum)


def install(root: logging.Logger | None = None) -> None:
    """Quiet the chatty libraries and put a RedactSecrets filter on every handler of `root`."""
    quiet_libraries()
    for handler in (root or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
