"""The one escape every user- or Spotify-supplied text passes before Discord shows it.

Queries, LLM `reply` text, track, artist, album, playlist, device and account names come from people we do
not control. Shown raw, `[free nitro](https://evil.example)` becomes a masked link under the bot's name,
`@everyone` or `<@id>` a mention, U+202E reverses the rest of the line and NUL corrupts it. `shown()` makes
such text inert: control and bidi-control characters dropped, mentions broken, and (where Discord renders
markdown) every markdown character escaped. Text we write ourselves (i18n templates) is not passed through.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Bidi embeddings, overrides and isolates, and the implicit marks: they can reorder what the reader sees.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MARKDOWN = re.compile(r"([\\*_~`|>#\-\[\]()<:])")
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)


def _keep(ch: str, newlines: bool) -> str:
    if ch in BIDI_CONTROLS:
        return ""
    if ch == "\n" and newlines:
        return ch
    if unicodedata.category(ch) == "Cc":  # NUL, escape sequences, tabs, carriage returns
        return " "
    return ch


def shown(text: object, *, markdown: bool = True, newlines: bool = False) -> str:
    """`text` safe to show in Discord. `markdown=False` for places Discord shows literally (embed footer and
    author name, autocomplete choices, select options), where a backslash would be visible."""
    cleaned = "".join(_keep(ch, newlines) for ch in str(text))
    cleaned = _MENTION.sub("@\u200b", cleaned)
    if markdown:
        cleaned = _MARKDOWN.sub(r"\\\1", cleaned)
    return cleaned


def shown_params(params: Mapping[str, object]) -> dict[str, object]:
    """Message parameters with every string escaped for a markdown surface (lists keep their line breaks)."""
    return {
        name: shown(value, newlines=True) if isinstance(value, str) else value
        for name, value in params.items()
    }
