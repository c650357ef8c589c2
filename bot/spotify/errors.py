"""Spotify failures a user can act on, as UserFacingErrors (messages in bot/i18n/spotify.py)."""

from __future__ import annotations

from bot.errors import UserFacingError


class NotLinked(UserFacingError):
    key = "spotify.not_linked"


class GuildNotLinked(UserFacingError):
    key = "spotify.guild_not_linked"


class LinkExpired(UserFacingError):
    key = "spotify.link_expired"


class AppRejected(UserFacingError):
    """The token endpoint answered invalid_client for the bot's own Spotify app: a configuration error."""

    key = "spotify.app_rejected"


class GuildAppRejected(UserFacingError):
    """The token endpoint answered invalid_client for a server's own Spotify app (deleted or changed)."""

    key = "spotify.guild_app_rejected"


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


class SpotifyForbidden(UserFacingError):
    """403 other than PREMIUM_REQUIRED: missing scope, restriction, or a user the app does not allow."""

    key = "spotify.forbidden"


class SpotifyNotFound(UserFacingError):
    key = "spotify.not_found"


class SpotifyRejected(UserFacingError):
    """Any other 4xx: Spotify did not accept the request."""

    key = "spotify.rejected"


class NothingPlaying(UserFacingError):
    key = "spotify.nothing_playing"


class PlaylistNotFound(UserFacingError):
    key = "spotify.playlist_not_found"


class DeviceNotFound(UserFacingError):
    key = "spotify.device_not_found"


class NoDevices(UserFacingError):
    key = "spotify.no_devices"


class RecommendationsNeedLLM(UserFacingError):
    key = "spotify.recommend.no_llm"


class PlayerRestricted(UserFacingError):
    """403 on a player command: the device or the current content does not allow it right now."""

    key = "spotify.player_restricted"
