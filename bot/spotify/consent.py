"""Someone's Spotify account plays for a server only with their consent.

A server's controller account is set in two ways only: the user links *for that server* (`/spotify link` run
there claims a server without a controller), or the user presses "Allow" on a confirmation sent to them alone
(a DM), before it expires. Running `/settings controller` for oneself counts as consent. The user can stop at
any time ("Stop sharing", or `/spotify unlink`). Pending confirmations live in memory: after a restart, an old
button answers that the request expired.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

CONSENT_TTL_S = 600.0  # a confirmation can be pressed for 10 minutes
MAX_PENDING = 1000


class ControllerNotLinked(UserFacingError):
    key = "consent.not_linked"


class ConsentExpired(UserFacingError):
    key = "consent.expired"


class NotYourConsent(UserFacingError):
    key = "consent.not_yours"


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    nonce: str
    guild_id: int
    user_id: int  # whose account would play
    requested_by: int  # the admin who asked
    expires_at: float


class ControllerConsent:
    """Asks, records and withdraws a member's consent to be a server's controller account."""

    def __init__(self, repo: Repository, *, clock: Callable[[], float] = time.time) -> None:
        self._repo = repo
        self._clock = clock
        self._pending: dict[str, ConsentRequest] = {}

    async def _require_linked(self, user_id: int) -> None:
        account = await self._repo.get_account(user_id)
        if account is None or account.needs_relink:
            raise ControllerNotLinked()

    async def set_own(self, guild_id: int, user_id: int) -> None:
        """The invoking admin makes their own linked account the controller (their command is consent)."""
        await self._require_linked(user_id)
        await self._repo.update_guild_settings(guild_id, controller_user_id=user_id)
        log.info("guild %s now plays on the account of user %s (set by themselves)", guild_id, user_id)

    async def request(self, guild_id: int, user_id: int, requested_by: int) -> ConsentRequest:
        """A pending confirmation for `user_id` (who must be linked). Raises ControllerNotLinked."""
        await self._require_linked(user_id)
        now = self._clock()
        for nonce in [n for n, r in self._pending.items() if r.expires_at <= now]:
            del self._pending[nonce]
        while len(self._pending) >= MAX_PENDING:
            del self._pending[next(iter(self._pending))]
        request = ConsentRequest(
            secrets.token_urlsafe(12), guild_id, user_id, requested_by, now + CONSENT_TTL_S
        )
        self._pending[request.nonce] = request
        log.info(
            "asked user %s to let guild %s play on their account (by user %s)",
            user_id,
            guild_id,
            requested_by,
        )
        return request

    async def answer(self, nonce: str, presser_id: int, *, allow: bool) -> ConsentRequest:
        """The user's answer. Raises NotYourConsent (someone else pressed) or ConsentExpired."""
        request = self._pending.get(nonce)
        if request is not None and request.user_id != presser_id:
            raise NotYourConsent()
        if request is None or request.expires_at <= self._clock():
            self._pending.pop(nonce, None)
            raise ConsentExpired()
        del self._pending[nonce]
        if allow:
            await self._require_linked(presser_id)
            await self._repo.update_guild_settings(request.guild_id, controller_user_id=presser_id)
        log.info(
            "user %s %s guild %s to play on their account",
            presser_id,
            "allowed" if allow else "declined",
            request.guild_id,
        )
        return request

    async def stop_sharing(self, guild_id: int, user_id: int) -> bool:
        """The user withdraws: the server stops using their account. False if it was not using it."""
        settings = await self._repo.get_guild_settings(guild_id)
        if settings.controller_user_id != user_id:
            return False
        await self._repo.update_guild_settings(guild_id, controller_user_id=None)
        log.info("user %s stopped sharing their account with guild %s", user_id, guild_id)
        return True
