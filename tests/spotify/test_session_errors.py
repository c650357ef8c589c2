"""Every Spotify failure becomes a typed outcome with a clear English and Spanish message, never raw text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.nlu import actions as a
from bot.spotify.errors import (
    LinkExpired,
    NoActiveDevice,
    NotLinked,
    PremiumRequired,
    RateLimited,
    SpotifyUnavailable,
)
from bot.spotify.manager import SessionManager
from bot.spotify.session import GuildSession
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, api_requests, dm_ctx, guild_ctx, link

GUILD = 20
CTX = guild_ctx(GUILD)


@pytest.fixture
async def alice(fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens) -> str:
    return await link(fake, repo, tokens, 1, guild_id=GUILD)


@pytest.fixture
async def session(manager: SessionManager, alice: str) -> GuildSession:
    return await manager.session_for(CTX)


def assert_clean(text: str, token: str) -> None:
    """What a user reads: no token, no URL, no exception text."""
    assert token not in text
    assert "http" not in text and "Traceback" not in text and "SpotifyException" not in text


async def test_dm_without_a_link_says_how_to_link(manager: SessionManager) -> None:
    session = await manager.session_for(dm_ctx(55))
    outcome = await session.execute(a.Pause(), dm_ctx(55))
    assert not outcome.ok and isinstance(outcome.error, NotLinked)
    assert "/spotify link" in outcome.message("en") and "vinculada" in outcome.message("es")


async def test_no_active_device_lists_devices_and_how_to_transfer(
    fake: FakeSpotify, session: GuildSession, alice: str, tokens: MapTokens
) -> None:
    fake.set_active_device(alice, None)
    outcome = await session.execute(a.Play(query="creep radiohead"), CTX)
    assert not outcome.ok and isinstance(outcome.error, NoActiveDevice)
    assert [d.name for d in outcome.devices] == ["Web Player (Chrome)", "Pixel 8"]
    assert outcome.message("en") == (
        "Spotify has no active device. Available: Web Player (Chrome), Pixel 8. "
        'Use `/devices` or say "transfer to Web Player (Chrome)" to play there.'
    )
    assert outcome.message("es").startswith("Spotify no tiene ningún dispositivo activo. Disponibles:")
    assert_clean(outcome.message("en"), tokens.tokens[1])


async def test_no_devices_at_all(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    fake.set_devices(alice, [])
    outcome = await session.execute(a.Pause(), CTX)
    assert isinstance(outcome.error, NoActiveDevice) and outcome.devices == []
    assert outcome.message("en").startswith("Spotify has no active device. Open Spotify somewhere")
    transfer = await session.execute(a.Transfer(device="kitchen"), CTX)
    assert transfer.message("en").startswith("No Spotify devices are available.")


async def test_premium_required(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    await link(fake, repo, tokens, 2, guild_id=21, premium=False)
    session = await manager.session_for(guild_ctx(21))
    outcome = await session.execute(a.Volume(level=30), guild_ctx(21))
    assert isinstance(outcome.error, PremiumRequired)
    assert outcome.message("en") == "Controlling playback needs Spotify Premium on the linked account."
    assert "Premium" in outcome.message("es")
    listed = await session.execute(a.Devices(), guild_ctx(21))  # reading still works
    assert listed.ok


async def test_rate_limited_says_how_long(
    fake: FakeSpotify, session: GuildSession, tokens: MapTokens
) -> None:
    fake.fail_next("/v1/search", 429, retry_after=42)
    outcome = await session.execute(a.Play(query="creep"), CTX)
    assert isinstance(outcome.error, RateLimited)
    assert outcome.message("en") == "Spotify asked us to wait 42 s. Please try again after that."
    assert outcome.message("es") == "Spotify nos pidió esperar 42 s. Vuelve a intentarlo después."
    assert_clean(outcome.message("en"), tokens.tokens[1])


async def test_expired_token_that_refresh_cannot_fix(
    fake: FakeSpotify, session: GuildSession, tokens: MapTokens
) -> None:
    fake.expire_token(tokens.tokens[1])
    outcome = await session.execute(a.Pause(), CTX)
    assert isinstance(outcome.error, LinkExpired)
    assert "/spotify link" in outcome.message("en") and "caducado" in outcome.message("es")


async def test_401_retried_once_with_a_refreshed_token(
    fake: FakeSpotify, session: GuildSession, alice: str, tokens: MapTokens
) -> None:
    fresh = fake.issue_token(alice)
    fake.expire_token(tokens.tokens[1])

    class RefreshOn401:
        """Hands out the stale token first, then the refreshed one."""

        def __init__(self) -> None:
            self.calls = 0

        async def access_token(self, user_id: int) -> str:
            self.calls += 1
            return tokens.tokens[1] if self.calls == 1 else fresh

    provider = RefreshOn401()
    session._api._token = lambda: provider.access_token(1)  # the session's token source
    outcome = await session.execute(a.Volume(level=33), CTX)
    assert outcome.ok, outcome.message("en")
    assert fake.player(alice).volume == 33
    assert provider.calls == 2


async def test_5xx_after_retry_is_unavailable(
    fake: FakeSpotify, session: GuildSession, tokens: MapTokens
) -> None:
    fake.fail_next("/v1/me/player/devices", 503, times=2)
    outcome = await session.execute(a.Devices(), CTX)
    assert isinstance(outcome.error, SpotifyUnavailable)
    assert outcome.message("en") == "Spotify is not answering right now. Please try again in a minute."
    assert "Spotify no responde" in outcome.message("es")
    assert api_requests(fake).count(("GET", "/v1/me/player/devices")) == 2


async def test_dropped_connection_is_unavailable(fake: FakeSpotify, session: GuildSession) -> None:
    fake.drop_next("/v1/me/player/next")
    outcome = await session.execute(a.Skip(), CTX)
    assert isinstance(outcome.error, SpotifyUnavailable)


@pytest.fixture
async def impatient(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings
) -> AsyncIterator[SessionManager]:
    quick = settings.model_copy(update={"spotify_timeout_s": 0.2})
    sessions = SessionManager(repo=repo, tokens=tokens, settings=quick, api_base=fake.api_base)
    yield sessions
    await sessions.aclose()


async def test_timeout_is_unavailable(fake: FakeSpotify, impatient: SessionManager, alice: str) -> None:
    session = await impatient.session_for(CTX)
    fake.latency_s = 0.5
    outcome = await session.execute(a.Pause(), CTX)
    fake.latency_s = 0.0
    assert isinstance(outcome.error, SpotifyUnavailable)


async def test_restricted_player_command(fake: FakeSpotify, session: GuildSession) -> None:
    fake.fail_next(
        "/v1/me/player/shuffle", 403, reason="UNKNOWN", message="Player command failed: Restriction violated"
    )
    outcome = await session.execute(a.Shuffle(on=True), CTX)
    assert not outcome.ok
    assert outcome.message("en") == "Spotify does not allow that on this device right now."


async def test_unexpected_bad_answer_is_a_generic_failure(fake: FakeSpotify, session: GuildSession) -> None:
    fake.fail_next("/v1/me/player/volume", 400, message="Bad volume")
    outcome = await session.execute(a.Volume(level=20), CTX)
    assert (
        not outcome.ok
        and outcome.message("en") == "Spotify did not accept that request. Please try something else."
    )
    assert "Bad volume" not in outcome.message("en")
