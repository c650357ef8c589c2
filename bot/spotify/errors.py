"""Spotify failures a user can act on, as UserFacingErrors (messages in bot/i18n/spotify.py)."""

from __future__ import annotations

from bot.errors import UserFacingError


class NotLinked(UserFacingError):
    key = "spotify.not_linked"


class GuildNotLinked(UserFacingError):
    key = "spotify.guild_not_linked"


class LinkExpired(UserFacingError):
    key = "spotify.link_expired"


class NoActiveDevice(UserFacingError):
    key = "spotify.no_active_device"


class PremiumRequired(UserFacingError):
    key = "spotify.premium_required"


class RateLimited(UserFacingError):
    key = "spotify.rate_limited"


class NothingFound(UserFacingError):
    key = "spotify.nothing_found"


class SpotifyUnavailable(UserFacingError):
    key = "spotify.unavailable"
