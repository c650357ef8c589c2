"""The whole link flow against the fake Spotify accounts service, through the real callback server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.i18n import account
from bot.spotify.errors import LinkExpired, NotLinked, SpotifyUnavailable
from bot.spotify.oauth import SCOPES, InvalidClientId, LinkResult, LinkService, SpotifyNotConfigured
from bot.storage.crypto import TokenCipher
from bot.storage.sqlite import SqliteRepository
from bot.web import OAuthWebServer

BOT_APP = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
GUILD_APP = "9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a"
SECRET = "s3cret-of-the-bot-app"
ALICE, BOB = 111, 222
GUILD = 42


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Env:
    fake: FakeSpotify
    settings: Settings
    cipher: TokenCipher
    repo: SqliteRepository
    links: LinkService
    clock: Clock
    web_base: str

    async def follow(self, authorize_url: str) -> tuple[int, str]:
        """What the user's browser shows after approving (or not) on Spotify."""
        async with aiohttp.ClientSession() as http, http.get(authorize_url) as resp:
            return resp.status, await resp.text()

    async def redirected_url(self, authorize_url: str) -> str:
        """The callback URL Spotify sends the browser to (what a user would paste)."""
        authorize_url = await self.spotify_url(authorize_url)
        async with aiohttp.ClientSession() as http, http.get(authorize_url, allow_redirects=False) as resp:
            assert resp.status == 302
            return resp.headers["Location"]

    async def spotify_url(self, button_url: str) -> str:
        """Spotify's authorize URL behind a link button (a short /link/<state> of ours when it is too long)."""
        if not button_url.startswith(self.web_base + "/link/"):
            return button_url
        async with aiohttp.ClientSession() as http, http.get(button_url, allow_redirects=False) as resp:
            assert resp.status == 302
            return resp.headers["Location"]

    async def link(
        self, user_id: int, spotify_user: str, guild_id: int | None = GUILD, lang: str = "en"
    ) -> str:
        self.fake.queue_authorization(spotify_user)
        status, page = await self.follow(await self.links.start_link(user_id, guild_id, lang))
        assert status == 200, page
        return page

    def token_requests(self) -> list[dict[str, str]]:
        return [r.form for r in self.fake.requests if r.path == "/api/token"]


async def make_env(tmp_path: Path, secret: str | None = None) -> tuple[Env, OAuthWebServer]:
    fake = FakeSpotify()
    await fake.start()
    fake.add_user("alice", display_name="Alice")
    fake.add_user("bob", display_name="Bob")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        spotify_client_id=BOT_APP,
        spotify_client_secret=SecretStr(secret) if secret else None,
    )
    cipher = TokenCipher.generate()
    repo = await SqliteRepository.open(settings.database_path, cipher)
    clock = Clock()
    links = LinkService(repo, settings, accounts_base=fake.accounts_base, api_base=fake.api_base, clock=clock)
    server = OAuthWebServer(links, "127.0.0.1", 0)
    web_base = await server.start()
    settings.public_base_url = web_base  # as an operator would set PUBLIC_BASE_URL
    fake.register_client(BOT_APP, [links.redirect_uri()], client_secret=secret)
    return Env(fake, settings, cipher, repo, links, clock, web_base), server


@contextlib.asynccontextmanager
async def running_env(tmp_path: Path, *, secret: str | None = None) -> AsyncIterator[Env]:
    """make_env's servers and services, stopped afterwards in reverse order."""
    environment, server = await make_env(tmp_path, secret=secret)
    try:
        yield environment
    finally:
        await server.stop()
        await environment.links.aclose()
        await environment.repo.close()
        await environment.fake.stop()


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    async with running_env(tmp_path) as environment:
        yield environment


@pytest.fixture
async def secret_env(tmp_path: Path) -> AsyncIterator[Env]:
    async with running_env(tmp_path, secret=SECRET) as environment:
        yield environment


async def me(env: Env, token: str) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(env.fake.api_base + "me", headers={"Authorization": f"Bearer {token}"}) as resp,
    ):
        assert resp.status == 200
        return str((await resp.json())["id"])


def raw_database(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
        return repr(list(conn.execute("SELECT * FROM linked_accounts")))


async def test_authorize_url_asks_for_pkce_and_only_the_needed_scopes(env: Env) -> None:
    button = await env.links.start_link(ALICE, GUILD, "en")
    assert len(button) <= 512  # what a Discord link button can carry
    url = await env.spotify_url(button)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == env.fake.accounts_base + "/authorize"
    assert query["client_id"] == BOT_APP
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == env.web_base + "/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["scope"].split() == list(SCOPES)
    assert "user-read-email" not in query["scope"] and "user-follow-read" not in query["scope"]
    assert {"user-top-read", "user-read-recently-played", "user-library-read"} <= set(query["scope"].split())
    assert len(query["state"]) >= 22  # 128 bits


async def test_link_through_the_callback_stores_encrypted_tokens(env: Env) -> None:
    page = await env.link(ALICE, "alice")
    assert "Your Spotify account Alice is now linked and controls playback in this server." in page

    linked = await env.links.status(ALICE)
    assert linked is not None
    assert (linked.spotify_id, linked.display_name, linked.client_id) == ("alice", "Alice", BOT_APP)
    assert not linked.needs_relink
    assert (await env.repo.get_guild_settings(GUILD)).controller_user_id == ALICE

    # the code was exchanged with the PKCE verifier and without a secret (none configured)
    exchange = env.token_requests()[0]
    assert exchange["grant_type"] == "authorization_code" and exchange["client_id"] == BOT_APP

    token = await env.links.access_token(ALICE)
    assert token == linked.token.access_token
    assert await me(env, token) == "alice"
    dump = raw_database(env.settings.database_path)
    assert "alice" in dump
    assert linked.token.access_token not in dump
    assert linked.token.refresh_token is not None and linked.token.refresh_token not in dump


async def test_refresh_ahead_of_expiry_then_invalid_grant_asks_to_relink(env: Env) -> None:
    await env.link(ALICE, "alice")
    first = await env.links.status(ALICE)
    assert first is not None

    env.clock.now += 3600 - 30  # inside the 60 s margin
    fresh = await env.links.access_token(ALICE)
    assert fresh != first.token.access_token
    assert await me(env, fresh) == "alice"
    refreshes = [f for f in env.token_requests() if f["grant_type"] == "refresh_token"]
    assert len(refreshes) == 1 and refreshes[0]["client_id"] == BOT_APP
    rotated = await env.links.status(ALICE)
    assert rotated is not None and rotated.token.refresh_token != first.token.refresh_token  # PKCE rotates
    assert await env.links.access_token(ALICE) == fresh  # no second refresh while valid
    assert len(env.token_requests()) == 2

    env.fake.invalidate_refresh_token(user_id="alice")  # six months later
    env.clock.now += 3600
    with pytest.raises(LinkExpired) as caught:
        await env.links.access_token(ALICE)
    assert "/spotify link" in caught.value.message("en")
    assert "/spotify link" in caught.value.message("es")
    stale = await env.links.status(ALICE)
    assert stale is not None and stale.needs_relink

    sent = len(env.fake.requests)
    with pytest.raises(LinkExpired):
        await env.links.access_token(ALICE)
    assert len(env.fake.requests) == sent  # no more refresh attempts

    await env.link(ALICE, "alice")  # linking again repairs it
    assert await me(env, await env.links.access_token(ALICE)) == "alice"


async def test_concurrent_calls_refresh_once(env: Env) -> None:
    await env.link(ALICE, "alice")
    env.clock.now += 3600
    tokens = await asyncio.gather(*(env.links.access_token(ALICE) for _ in range(10)))
    assert len(set(tokens)) == 1
    assert sum(f["grant_type"] == "refresh_token" for f in env.token_requests()) == 1


async def test_own_app_with_secret_keeps_the_refresh_token_spotify_did_not_resend(secret_env: Env) -> None:
    env = secret_env
    await env.link(ALICE, "alice")
    original = await env.links.status(ALICE)
    assert original is not None
    for _ in range(2):
        env.clock.now += 3600
        assert await me(env, await env.links.access_token(ALICE)) == "alice"
        kept = await env.links.status(ALICE)
        assert kept is not None and kept.token.refresh_token == original.token.refresh_token


async def test_replayed_state_is_refused(env: Env) -> None:
    env.fake.queue_authorization("alice")
    callback = await env.redirected_url(await env.links.start_link(ALICE, None, "en"))
    async with aiohttp.ClientSession() as http:
        async with http.get(callback) as resp:
            assert resp.status == 200
        env.fake.queue_authorization("bob")
        async with http.get(callback) as resp:
            assert resp.status == 400
            assert "not valid or was already used" in await resp.text()
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.spotify_id == "alice"


async def test_expired_state_is_refused(env: Env) -> None:
    env.fake.queue_authorization("alice")
    callback = await env.redirected_url(await env.links.start_link(ALICE, None, "en"))
    env.clock.now += 601
    query = parse_qs(urlsplit(callback).query)
    result = await env.links.complete(state=query["state"][0], code=query["code"][0], error=None)
    assert (result.ok, result.key) == (False, "account.state_expired")
    assert await env.links.status(ALICE) is None
    assert env.token_requests() == []  # the code was never sent


async def test_pasted_url_of_another_user_is_refused_then_works_for_its_owner(env: Env) -> None:
    env.fake.queue_authorization("alice")
    pasted = await env.redirected_url(await env.links.start_link(ALICE, GUILD, "es"))

    stolen = await env.links.complete_from_url(pasted, BOB, lang="en")
    assert (stolen.ok, stolen.key) == (False, "account.wrong_user")
    assert "someone else" in stolen.message()
    assert await env.links.status(BOB) is None

    own = await env.links.complete_from_url(f"  <{pasted}>  ", ALICE)
    assert own.ok and own.lang == "es"
    assert (
        own.message()
        == "Tu cuenta de Spotify **Alice** ya está vinculada y controla la música en este servidor."
    )
    assert (await env.repo.get_guild_settings(GUILD)).controller_user_id == ALICE


async def test_pasting_something_else_explains_what_to_copy(env: Env) -> None:
    result = await env.links.complete_from_url("https://open.spotify.com/track/abc", ALICE, lang="es")
    assert (result.ok, result.key) == (False, "account.paste_invalid")
    assert env.web_base + "/callback" in result.message()
    assert "barra del navegador" in result.message()


async def test_denied_shows_the_spanish_denied_page(env: Env) -> None:
    env.fake.queue_authorization(deny=True)
    status, page = await env.follow(await env.links.start_link(ALICE, GUILD, "es"))
    assert status == 200
    assert "Rechazaste la autorización de Spotify, así que no se vinculó nada." in page
    assert await env.links.status(ALICE) is None
    assert (await env.repo.get_guild_settings(GUILD)).controller_user_id is None


async def test_second_member_links_without_taking_over_the_guild(env: Env) -> None:
    await env.link(ALICE, "alice")
    page = await env.link(BOB, "bob")
    assert "Your Spotify account Bob is now linked." in page
    assert (await env.repo.get_guild_settings(GUILD)).controller_user_id == ALICE


async def test_unlink_forgets_tokens_and_frees_the_guild(env: Env) -> None:
    await env.link(ALICE, "alice")
    assert await env.links.unlink(ALICE) is True
    assert await env.links.unlink(ALICE) is False
    with pytest.raises(NotLinked):
        await env.links.access_token(ALICE)
    assert (await env.repo.get_guild_settings(GUILD)).controller_user_id is None
    page = await env.link(BOB, "bob")
    assert "controls playback in this server" in page


async def test_guild_app_is_used_for_linking_and_refresh(secret_env: Env) -> None:
    env = secret_env
    with pytest.raises(InvalidClientId) as caught:
        await env.links.set_guild_client_id(GUILD, "not-a-client-id")
    assert "Client ID" in caught.value.message("en")

    redirect = await env.links.set_guild_client_id(GUILD, GUILD_APP.upper())
    assert redirect == env.web_base + "/callback"
    env.fake.register_client(GUILD_APP, [redirect])  # the admin's own app: PKCE, no secret

    url = await env.spotify_url(await env.links.start_link(ALICE, GUILD, "en"))
    assert parse_qs(urlsplit(url).query)["client_id"] == [GUILD_APP]
    env.fake.queue_authorization("alice")
    status, _ = await env.follow(url)
    assert status == 200
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.client_id == GUILD_APP

    env.clock.now += 3600
    assert await me(env, await env.links.access_token(ALICE)) == "alice"
    assert [f["client_id"] for f in env.token_requests()] == [GUILD_APP, GUILD_APP]

    await env.links.set_guild_client_id(GUILD, None)
    assert (await env.repo.get_guild_settings(GUILD)).spotify_client_id is None


async def test_spotify_down_during_refresh(env: Env) -> None:
    await env.link(ALICE, "alice")
    current = await env.links.access_token(ALICE)
    env.clock.now += 3600 - 30  # refresh due, token still valid for 30 s
    env.fake.fail_next("/api/token", 503)
    assert await env.links.access_token(ALICE) == current
    env.clock.now += 60  # now really expired
    env.fake.fail_next("/api/token", 503)
    with pytest.raises(SpotifyUnavailable):
        await env.links.access_token(ALICE)
    assert await me(env, await env.links.access_token(ALICE)) == "alice"  # recovers once Spotify answers


async def test_token_exchange_failure_gives_the_error_page(env: Env) -> None:
    env.fake.queue_authorization("alice")
    env.fake.fail_next("/api/token", 500)
    status, page = await env.follow(await env.links.start_link(ALICE, None, "en"))
    assert status == 502 and "Spotify could not finish the link" in page
    assert await env.links.status(ALICE) is None


async def test_restart_keeps_the_link(env: Env, tmp_path: Path) -> None:
    await env.link(ALICE, "alice")
    await env.repo.close()
    reopened = await SqliteRepository.open(env.settings.database_path, env.cipher)
    links = LinkService(
        reopened,
        env.settings,
        accounts_base=env.fake.accounts_base,
        api_base=env.fake.api_base,
        clock=env.clock,
    )
    try:
        assert await me(env, await links.access_token(ALICE)) == "alice"
        assert (await reopened.get_guild_settings(GUILD)).controller_user_id == ALICE
    finally:
        await links.aclose()
        env.repo = reopened  # closed by the fixture


async def test_not_configured_and_not_linked(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    repo = await SqliteRepository.open(settings.database_path, TokenCipher.generate())
    links = LinkService(repo, settings)
    try:
        with pytest.raises(SpotifyNotConfigured) as caught:
            await links.start_link(ALICE, None, "es")
        assert "SPOTIFY_CLIENT_ID" in caught.value.message("es")
        with pytest.raises(NotLinked):
            await links.access_token(ALICE)
        assert links.redirect_uri() == "http://127.0.0.1:8888/callback"
    finally:
        await links.aclose()
        await repo.close()


async def test_listener_hears_links_made_through_the_browser(env: Env) -> None:
    heard: list[LinkResult] = []

    async def listener(result: LinkResult) -> None:
        heard.append(result)
        raise RuntimeError("a broken listener must not break the link")

    env.links.add_link_listener(listener)
    await env.link(ALICE, "alice", lang="es")
    assert [(r.user_id, r.guild_id, r.lang, r.became_controller) for r in heard] == [
        (ALICE, GUILD, "es", True)
    ]
    assert "Alice" in heard[0].message()


async def test_no_token_or_code_is_logged(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    env.fake.queue_authorization("alice")
    callback = await env.redirected_url(await env.links.start_link(ALICE, GUILD, "en"))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    async with aiohttp.ClientSession() as http, http.get(callback) as resp:
        assert resp.status == 200
    env.clock.now += 3600
    await env.links.access_token(ALICE)
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.token.refresh_token
    assert "linked Spotify" in caplog.text  # something was logged...
    for secret in (code, linked.token.access_token, linked.token.refresh_token):
        assert secret not in caplog.text  # ...but no secret
    assert linked.token.access_token not in repr(env.links)


def test_every_account_message_has_english_and_spanish_with_the_same_placeholders() -> None:
    import string

    formatter = string.Formatter()
    for key, texts in account.MESSAGES.items():
        assert set(texts) == {"en", "es"}, key
        names = [{name for _, name, _, _ in formatter.parse(text) if name} for text in texts.values()]
        assert names[0] == names[1], key
