"""Storage problems found at start-up: each is one sentence saying what is wrong and what to do."""

from __future__ import annotations

from bot.i18n import t


class StorageStartupError(RuntimeError):
    """The database cannot be used as it is. `message(lang)` is the sentence to print; str() is English."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str | None) -> str:
        return t(self.key, lang, **self.params)
