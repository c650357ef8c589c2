"""How a session gets an access token for a Discord user's linked Spotify account."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class TokenProvider(Protocol):
    async def access_token(self, user_id: int) -> str:
        """A valid (refreshed if needed) access token. Raises NotLinked or LinkExpired."""
        ...


@runtime_checkable
class RejectedTokenHandler(Protocol):
    """A TokenProvider that can replace a token Spotify answered 401 to, although it looked valid locally."""

    async def replace_rejected(self, user_id: int, token: str) -> str:
        """Refresh once (unless already replaced) and return the token to retry with. Raises LinkExpired."""
        ...


class StaticTokenProvider:
    """Every user gets the same token: the terminal chat's demo player and tests."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def access_token(self, user_id: int) -> str:
        return self._token
