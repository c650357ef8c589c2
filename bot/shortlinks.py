"""Short links (`{base}/link/<id>` -> 302 to a long URL) so a Discord link button stays far below its 512-character
limit whatever PUBLIC_BASE_URL is. Kept in the repository's meta values, so any process of a deployment (the
web role included) can resolve a link another one made."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from bot.storage.repository import Repository

PREFIX = "shortlink:"
ID_BYTES = 9  # 12 URL-safe characters
LINK_BUTTON_URL_LIMIT = 512


class ShortLinks:
    def __init__(self, repo: Repository, clock: Callable[[], float] = time.time) -> None:
        self._repo = repo
        self._clock = clock

    async def create(self, url: str, ttl_s: float) -> str:
        """Store `url` for `ttl_s` seconds; returns the id."""
        link_id = secrets.token_urlsafe(ID_BYTES)
        await self._repo.set_meta(PREFIX + link_id, f"{self._clock() + ttl_s:.0f} {url}")
        return link_id

    async def resolve(self, link_id: str) -> str | None:
        """The long URL, or None when unknown or expired."""
        if not link_id or len(link_id) > 64:
            return None
        stored = await self._repo.get_meta(PREFIX + link_id)
        if stored is None:
            return None
        expires, _, url = stored.partition(" ")
        try:
            if float(expires) < self._clock():
                return None
        except ValueError:
            return None
        return url or None


def short_url(base: str, link_id: str) -> str:
    return f"{base.rstrip('/')}/link/{link_id}"
