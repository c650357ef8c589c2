"""The fake accounts service (/authorize, /api/token) driven by spotipy's own OAuth managers."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOAuth, SpotifyOauthError, SpotifyPKCE

from tests.fakes.spotify import FakeSpotify, spotify_client

REDIRECT = "http://127.0.0.1:8765/callback"


def _pkce(fake: FakeSpotify) -> SpotifyPKCE:
    auth = SpotifyPKCE(
        client_id="bot-client",
        redirect_uri=REDIRECT,
        scope="user-modify-playback-state user-read-playback-state",
        open_browser=False,
        cache_handler=MemoryCacheHandler(),
        requests_timeout=5,
    )
    auth.OAUTH_AUTHORIZE_URL = fake.authorize_url
    auth.OAUTH_TOKEN_URL = fake.token_url
    return auth


def _follow(url: str) -> dict[str, str]:
    resp = requests.get(url, allow_redirects=False, timeout=5)
    assert resp.status_code == 302, resp.text
    location = resp.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def test_pkce_code_flow_then_refresh(fake_spotify: FakeSpotify) -> None:
    fake_spotify.register_client("bot-client", [REDIRECT])
    fake_spotify.add_user("erin", display_name="Erin")
    fake_spotify.queue_authorization("erin")
    auth = _pkce(fake_spotify)

    def run() -> tuple[dict, dict]:  # type: ignore[type-arg]
        params = _follow(auth.get_authorize_url(state="s-123"))
        assert params["state"] == "s-123"
        auth.get_access_token(params["code"], check_cache=False)  # returns the bare access token
        token = auth.cache_handler.get_cached_token()
        refreshed = auth.refresh_access_token(token["refresh_token"])
        return token, refreshed

    token, refreshed = await asyncio.to_thread(run)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "user-modify-playback-state user-read-playback-state"
    assert refreshed["access_token"] != token["access_token"]
    me = await asyncio.to_thread(spotify_client(fake_spotify, refreshed["access_token"])._get, "me")
    assert me["id"] == "erin"
    form = next(r.form for r in fake_spotify.requests if r.path == "/api/token")
    assert form["grant_type"] == "authorization_code" and "code_verifier" not in form  # secrets not kept


async def test_wrong_code_verifier_is_invalid_grant(fake_spotify: FakeSpotify) -> None:
    fake_spotify.register_client("bot-client", [REDIRECT])
    auth = _pkce(fake_spotify)

    def run() -> None:
        params = _follow(auth.get_authorize_url())
        auth.code_verifier = "x" * 64
        auth.get_access_token(params["code"], check_cache=False)

    with pytest.raises(SpotifyOauthError) as info:
        await asyncio.to_thread(run)
    assert info.value.error == "invalid_grant"


async def test_denied_authorization_redirects_with_error(fake_spotify: FakeSpotify) -> None:
    fake_spotify.register_client("bot-client", [REDIRECT])
    fake_spotify.queue_authorization(deny=True)
    params = await asyncio.to_thread(_follow, _pkce(fake_spotify).get_authorize_url(state="abc"))
    assert params == {"error": "access_denied", "state": "abc"}


async def test_unknown_redirect_uri_is_refused(fake_spotify: FakeSpotify) -> None:
    fake_spotify.register_client("bot-client", [REDIRECT])
    url = f"{fake_spotify.authorize_url}?client_id=bot-client&response_type=code&redirect_uri=https://evil.example/cb"
    resp = await asyncio.to_thread(requests.get, url, allow_redirects=False, timeout=5)
    assert resp.status_code == 400 and "INVALID_CLIENT" in resp.text


def test_localhost_redirect_uri_is_rejected_like_spotify() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        FakeSpotify().register_client("c", ["http://localhost:8080/callback"])


async def test_secret_client_and_revoked_refresh_token(fake_spotify: FakeSpotify) -> None:
    fake_spotify.register_client("web-client", [REDIRECT], client_secret="s3cret")
    auth = SpotifyOAuth(
        client_id="web-client",
        client_secret="s3cret",
        redirect_uri=REDIRECT,
        scope="user-read-private",
        open_browser=False,
        cache_handler=MemoryCacheHandler(),
        requests_timeout=5,
    )
    auth.OAUTH_AUTHORIZE_URL = fake_spotify.authorize_url
    auth.OAUTH_TOKEN_URL = fake_spotify.token_url

    def run() -> tuple[dict, dict]:  # type: ignore[type-arg]
        params = _follow(auth.get_authorize_url())
        token = auth.get_access_token(params["code"], as_dict=True, check_cache=False)
        return token, auth.refresh_access_token(token["refresh_token"])

    token, refreshed = await asyncio.to_thread(run)
    # A confidential client keeps its refresh token: Spotify omits it on refresh (spotipy copies the old one).
    assert refreshed["refresh_token"] == token["refresh_token"]
    fake_spotify.invalidate_refresh_token(user_id=next(iter(fake_spotify.users)))
    with pytest.raises(SpotifyOauthError) as info:
        await asyncio.to_thread(auth.refresh_access_token, token["refresh_token"])
    assert info.value.error == "invalid_grant"


async def test_expired_access_token_is_401(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("frank")
    sp = spotify_client(fake_spotify, token)
    fake_spotify.expire_token(token)
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(sp._get, "me")
    assert info.value.http_status == 401 and "expired" in info.value.msg
    bad = spotify_client(fake_spotify, "not-a-token")
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(bad._get, "me")
    assert info.value.http_status == 401 and "Invalid access token" in info.value.msg
