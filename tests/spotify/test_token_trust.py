"""Issue 12, items 2-5: relinking during a refresh, a refused app, a 401 on a locally valid token, and a
refreshed token the database cannot store. Real LinkService + SQLite against the fake Spotify accounts service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.nlu import actions as a
from bot.nlu.plan import Context
from bot.spotify.errors import AppRejected, GuildAppRejected, LinkExpired
from bot.spotify.manager import SessionManager
from bot.storage.sqlite import SqliteRepository
from tests.spotify.test_oauth import ALICE, BOT_APP, GUILD, GUILD_APP, SECRET, Env, me, running_env


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    async with running_env(tmp_path) as environment:
        yield environment


@pytest.fixture
async def secret_env(tmp_path: Path) -> AsyncIterator[Env]:
    async with running_env(tmp_path, secret=SECRET) as environment:
        yield environment


def refreshes(env: Env) -> int:
    return sum(f["grant_type"] == "refresh_token" for f in env.token_requests())


async def pending_relink(env: Env, spotify_user: str) -> tuple[str, str]:
    """Approve a new link on Spotify and return (state, code) the browser would bring back."""
    env.fake.add_user(spotify_user, display_name=spotify_user.title())
    env.fake.queue_authorization(spotify_user)
    callback = await env.redirected_url(await env.links.start_link(ALICE, GUILD, "en"))
    query = parse_qs(urlsplit(callback).query)
    return query["state"][0], query["code"][0]


# -- item 2: relink while a refresh is in flight ------------------------------------------------------------


async def test_relink_to_another_account_during_a_refresh_keeps_the_new_accounts_token(env: Env) -> None:
    await env.link(ALICE, "alice")
    env.clock.now += 3600  # the old link's token is due for a refresh
    state, code = await pending_relink(env, "alice2")
    env.fake.user_latency_s[""] = 0.3  # token requests (no bearer) take 0.3 s

    relink = asyncio.create_task(env.links.complete(state=state, code=code, error=None))
    await asyncio.sleep(0.1)  # the relink's code exchange is in flight...
    refresh = asyncio.create_task(env.links.access_token(ALICE))  # ...when a command refreshes the old token
    result, _ = await asyncio.gather(relink, refresh)
    env.fake.user_latency_s.clear()

    assert result.ok
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.spotify_id == "alice2" and not linked.needs_relink
    # the stored token is the new account's, not the old account's refreshed one
    assert await me(env, await env.links.access_token(ALICE)) == "alice2"


async def test_refresh_refused_during_a_relink_does_not_flag_the_new_link(env: Env) -> None:
    await env.link(ALICE, "alice")
    env.clock.now += 3600
    state, code = await pending_relink(env, "alice2")
    env.fake.invalidate_refresh_token(user_id="alice")  # the old authorisation is gone
    env.fake.user_latency_s[""] = 0.3

    relink = asyncio.create_task(env.links.complete(state=state, code=code, error=None))
    await asyncio.sleep(0.1)
    refresh = asyncio.create_task(env.links.access_token(ALICE))
    result, refreshed = await asyncio.gather(relink, refresh, return_exceptions=True)
    env.fake.user_latency_s.clear()

    assert not isinstance(result, BaseException) and result.ok
    assert isinstance(refreshed, LinkExpired)  # that command used the old link, which is gone
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.spotify_id == "alice2"
    assert not linked.needs_relink  # the fresh link is not marked for relinking
    assert await me(env, await env.links.access_token(ALICE)) == "alice2"


async def test_a_refreshed_token_is_stored_only_over_the_refresh_token_it_came_from(
    env: Env, tmp_path: Path
) -> None:
    """Compare-and-set at the database: a second process relinked between our read and our write."""
    await env.link(ALICE, "alice")
    before = await env.links.status(ALICE)
    assert before is not None
    other_process = await SqliteRepository.open(env.settings.database_path, env.cipher)
    try:
        state, code = await pending_relink(env, "alice2")
        assert (await env.links.complete(state=state, code=code, error=None)).ok
        stale = before.token
        assert not await other_process.replace_token(ALICE, stale, refreshed_from=stale.refresh_token)
        assert not await other_process.mark_needs_relink(ALICE, if_refresh_token=stale.refresh_token)
    finally:
        await other_process.close()
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.spotify_id == "alice2" and not linked.needs_relink
    assert await me(env, await env.links.access_token(ALICE)) == "alice2"


# -- item 3: invalid_client ---------------------------------------------------------------------------------


async def test_rotated_secret_is_a_configuration_error_without_a_retry_storm(
    secret_env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    env = secret_env
    await env.link(ALICE, "alice")
    env.fake.register_client(BOT_APP, [env.links.redirect_uri()], client_secret="rotated-on-the-dashboard")
    env.clock.now += 3600

    with pytest.raises(AppRejected) as caught:
        await env.links.access_token(ALICE)
    assert caught.value.message("en").startswith("Spotify refuses this bot's app credentials")
    assert "SPOTIFY_CLIENT_SECRET" in caught.value.message("es")
    assert "refused the app " + BOT_APP + " (invalid_client)" in caplog.text
    assert refreshes(env) == 1

    for _ in range(20):  # every later command: the same sentence, no request to Spotify
        with pytest.raises(AppRejected):
            await env.links.access_token(ALICE)
    assert refreshes(env) == 1
    linked = await env.links.status(ALICE)
    assert linked is not None and not linked.needs_relink  # the user's authorisation is still fine

    env.clock.now += 3600  # an hour later it is tried once more (the owner may have fixed the app)
    env.fake.register_client(BOT_APP, [env.links.redirect_uri()], client_secret=SECRET)
    assert await me(env, await env.links.access_token(ALICE)) == "alice"
    assert refreshes(env) == 2


async def test_deleted_server_app_asks_for_a_new_app_and_retries_once_it_changes(secret_env: Env) -> None:
    env = secret_env
    redirect = await env.links.set_guild_client_id(GUILD, GUILD_APP)
    env.fake.register_client(GUILD_APP, [redirect])
    await env.link(ALICE, "alice")
    del env.fake.accounts.clients[GUILD_APP]  # the admin deleted the app on Spotify's dashboard
    env.clock.now += 3600 - 30  # refresh due, token still valid for 30 s: keep using it

    token = await env.links.access_token(ALICE)
    assert await me(env, token) == "alice"
    assert await env.links.access_token(ALICE) == token
    assert refreshes(env) == 1
    env.clock.now += 60
    with pytest.raises(GuildAppRejected) as caught:
        await env.links.access_token(ALICE)
    assert "/settings client-id" in caught.value.message("en")
    assert "/spotify link" in caught.value.message("es")
    assert refreshes(env) == 1

    env.fake.register_client(GUILD_APP, [redirect])  # restored, and the admin sets it again
    await env.links.set_guild_client_id(GUILD, GUILD_APP)
    assert await me(env, await env.links.access_token(ALICE)) == "alice"
    assert refreshes(env) == 2


# -- item 4: 401 on a token that is valid locally --------------------------------------------------------


async def test_401_on_a_locally_valid_token_forces_one_refresh(env: Env) -> None:
    await env.link(ALICE, "alice")
    env.fake.add_user("alice", display_name="Alice", devices=[{"name": "Phone", "is_active": True}])
    sessions = SessionManager(
        repo=env.repo, tokens=env.links, settings=env.settings, api_base=env.fake.api_base
    )
    ctx = Context(user_id=ALICE, is_dm=True, locale="en")  # type: ignore[arg-type]
    try:
        linked = await env.links.status(ALICE)
        assert linked is not None
        env.fake.expire_token(linked.token.access_token)  # Spotify revoked it early; locally it has 1 h left

        session = await sessions.session_for(ctx)
        outcome = await session.execute(a.Volume(level=30), ctx)
        assert outcome.ok, outcome.message("en")
        assert env.fake.player("alice").volume == 30
        assert refreshes(env) == 1

        # Spotify rejects the fresh token too, and the refresh token is gone: now relinking is the answer
        current = await env.links.access_token(ALICE)
        env.fake.expire_token(current)
        env.fake.invalidate_refresh_token(user_id="alice")
        outcome = await session.execute(a.Volume(level=40), ctx)
        assert isinstance(outcome.error, LinkExpired)
        assert "/spotify link" in outcome.message("en")
        assert refreshes(env) == 2
    finally:
        await sessions.aclose()


# -- item 5: the refreshed token cannot be saved -------------------------------------------------------------


async def test_refreshed_token_that_cannot_be_saved_is_kept_and_saved_later(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await env.link(ALICE, "alice")  # PKCE: every refresh rotates the refresh token
    conn = env.repo._conn  # the bot's own connection, refusing writes as a full disk would
    await conn.execute("PRAGMA query_only = ON")
    env.clock.now += 3600

    fresh = await env.links.access_token(ALICE)
    assert await me(env, fresh) == "alice"
    assert "saving the refreshed Spotify token of user 111 failed" in caplog.text
    assert "using it from memory" in caplog.text
    assert await env.links.access_token(ALICE) == fresh  # from memory, no second refresh
    assert refreshes(env) == 1

    env.clock.now += 3600  # the in-memory token expires: refreshed with the rotated refresh token
    newer = await env.links.access_token(ALICE)
    assert await me(env, newer) == "alice"
    assert refreshes(env) == 2

    await conn.execute("PRAGMA query_only = OFF")  # space again
    env.clock.now += 60
    assert await env.links.access_token(ALICE) == newer
    assert "saved the refreshed Spotify token of user 111" in caplog.text
    stored = await env.links.status(ALICE)
    assert stored is not None and stored.token.access_token == newer

    # a restart reads what was saved: the rotated refresh token still works
    reopened = await SqliteRepository.open(env.settings.database_path, env.cipher)
    try:
        account = await reopened.get_account(ALICE)
        assert account is not None and account.token.access_token == newer
    finally:
        await reopened.close()
    env.clock.now += 3600
    assert await me(env, await env.links.access_token(ALICE)) == "alice"
