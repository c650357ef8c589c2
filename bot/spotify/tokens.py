"""How a session gets an access token for a Discord user's linked Spotify account."""

from __future__ import annotations

from typing import Protocol


class TokenProvider(Protocol):
    async def access_token(self, user_id: int) -> str:
        """A valid (refreshed if needed) access token. Raises NotLinked or LinkExpired."""
        ...


class StaticTokenProvider:
    """Every user gets the same token: the terminal chat's demo player and tests."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def access_token(self, user_id: int) -> str:
        return self._token
