"""The one input guard every message passes: control characters out, whitespace folded, length bounded."""

from __future__ import annotations

import unicodedata

MAX_TEXT_CHARS = 2000


def normalise_text(text: str) -> str:
    """Control characters to spaces, whitespace folded, at most MAX_TEXT_CHARS characters."""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text[: MAX_TEXT_CHARS * 2])
    return " ".join(kept.split())[:MAX_TEXT_CHARS]
