"""User-facing strings in English and Spanish.

Each area keeps its own catalog module (`core`, `spotify`, `discord_ui`, `account`): a dict of key -> {"en": ..., "es": ...}
with `str.format` placeholders. `t()` looks a key up in the merged catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.i18n import account, consent, conversation, core, discord_ui, recommend, spotify, storage

log = logging.getLogger(__name__)

LANGS = ("en", "es")

CATALOG: dict[str, Mapping[str, str]] = {}
for _module in (core, spotify, discord_ui, account, storage, consent, conversation, recommend):
    for _key, _value in _module.MESSAGES.items():
        if _key in CATALOG:
            raise RuntimeError(f"duplicate i18n key {_key!r}")
        CATALOG[_key] = _value


def normalise_lang(locale: str | None) -> str:
    """'es-ES', 'es-419', 'es' -> 'es'; anything else -> 'en'."""
    return "es" if locale and locale.lower().startswith("es") else "en"


def t(key: str, lang: str | None = "en", /, **params: object) -> str:
    """The message `key` in `lang` (falls back to English), formatted with `params`."""
    entry = CATALOG.get(key)
    if entry is None:
        log.error("missing i18n key %r", key)
        return key
    template = entry.get(normalise_lang(lang)) or entry["en"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        log.exception("bad i18n params for %r", key)
        return template
