"""Someone's Spotify account plays for a server only with their consent.

A server's controller account is set in two ways only: the user links *for that server* (`/spotify link` run
there claims a server without a controller), or the user presses "Allow" on a confirmation sent to them alone
(a DM), before it expires. Running `/settings controller` for oneself counts as consent. The user can stop at
any time ("Stop sharing", or `/spotify unlink`).

A confirmation carries its own proof: guild, expiry and an HMAC over (guild, user, expiry) with a key kept in
the database, so the button works in whichever process receives the DM's interaction (shards in several
processes) and after a restart, and only for the user it was sent to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

CONSENT_TTL_S = 600.0  # a confirmation can be pressed for 10 minutes
KEY_META = "consent_hmac_key"
TOKEN_PATTERN = re.compile(r"^(\d{1,20})\.(\d{1,12})\.([\w-]{22})$")  # guild.expiry.signature


class ControllerNotLinked(UserFacingError):
    key = "consent.not_linked"


class ConsentExpired(UserFacingError):
    key = "consent.expired"


class NotYourConsent(UserFacingError):
    key = "consent.not_yours"


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    token: str  # what the buttons carry: "<guild>.<expiry>.<signature>"
    guild_id: int
    user_id: int  # whose account would play
    expires_at: int


class ControllerConsent:
    """Asks, records and withdraws a member's consent to be a server's controller account."""

    def __init__(
        self, repo: Repository, *, clock: Callable[[], float] = time.time, ttl_s: float = CONSENT_TTL_S
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._ttl_s = ttl_s
        self._key: bytes | None = None

    async def _hmac_key(self) -> bytes:
        """One random key for the whole deployment, created on first use and kept in the database."""
        if self._key is None:
            stored = await self._repo.get_meta(KEY_META)
            if stored is None:
                await self._repo.set_meta(KEY_META, secrets.token_hex(32))
                stored = await self._repo.get_meta(KEY_META)
            self._key = bytes.fromhex(str(stored))
        return self._key

    async def _signature(self, guild_id: int, user_id: int, expires_at: int) -> str:
        message = f"{guild_id}:{user_id}:{expires_at}".encode()
        digest = hmac.new(await self._hmac_key(), message, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

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
        """A confirmation for `user_id` (who must be linked) to press. Raises ControllerNotLinked."""
        await self._require_linked(user_id)
        expires_at = int(self._clock() + self._ttl_s)
        token = f"{guild_id}.{expires_at}.{await self._signature(guild_id, user_id, expires_at)}"
        log.info(
            "asked user %s to let guild %s play on their account (by user %s)",
            user_id,
            guild_id,
            requested_by,
        )
        return ConsentRequest(token, guild_id, user_id, expires_at)

    async def answer(self, token: str, presser_id: int, *, allow: bool) -> ConsentRequest:
        """The user's answer. Raises NotYourConsent (not sent to the presser) or ConsentExpired."""
        match = TOKEN_PATTERN.fullmatch(token)
        if match is None:
            raise ConsentExpired()
        guild_id, expires_at, signature = int(match[1]), int(match[2]), match[3]
        expected = await self._signature(guild_id, presser_id, expires_at)
        if not hmac.compare_digest(expected, signature):
            raise NotYourConsent()
        if expires_at <= self._clock():
            raise ConsentExpired()
        request = ConsentRequest(token, guild_id, presser_id, expires_at)
        if allow:
            account = await self._repo.get_account(presser_id)
            if account is None or account.needs_relink:
                raise UserFacingError("consent.own_link_missing")
            await self._repo.update_guild_settings(guild_id, controller_user_id=presser_id)
        log.info(
            "user %s %s guild %s to play on their account",
            presser_id,
            "allowed" if allow else "declined",
            guild_id,
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
