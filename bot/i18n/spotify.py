"""Strings for Spotify outcomes and errors (owned by bot/spotify)."""

MESSAGES: dict[str, dict[str, str]] = {}
