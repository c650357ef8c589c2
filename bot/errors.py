"""The `UserFacingError` family: every failure a user may read, as an i18n key plus parameters."""

from __future__ import annotations

from bot.i18n import t


class UserFacingError(Exception):
    """An error whose message is safe to show. Subclasses set `key`; parameters fill the template."""

    key = "error.unexpected"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(self.key)

    def message(self, lang: str | None) -> str:
        return t(self.key, lang, **self.params)


class NotAllowed(UserFacingError):
    key = "error.not_allowed"


class CooldownActive(UserFacingError):
    key = "error.cooldown"


class GuildOnly(UserFacingError):
    key = "guild_only"
