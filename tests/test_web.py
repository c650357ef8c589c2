"""The OAuth callback server over real HTTP: pages a user sees in their browser."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.config import Settings
from bot.spotify.oauth import LinkService
from bot.storage.crypto import TokenCipher
from bot.storage.sqlite import SqliteRepository
from bot.web import OAuthWebServer

CLIENT_ID = "0123456789abcdef0123456789abcdef"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def links(tmp_path: Path, clock: Clock) -> AsyncIterator[LinkService]:
    settings = Settings(_env_file=None, data_dir=tmp_path, spotify_client_id=CLIENT_ID)  # type: ignore[call-arg]
    repo = await SqliteRepository.open(settings.database_path, TokenCipher.generate())
    service = LinkService(repo, settings, accounts_base="http://127.0.0.1:9/", clock=clock)
    yield service
    await service.aclose()
    await repo.close()


@pytest.fixture
async def base_url(links: LinkService) -> AsyncIterator[str]:
    server = OAuthWebServer(links, "127.0.0.1", 0)
    url = await server.start()
    yield url
    await server.stop()


async def fetch(url: str, **headers: str) -> tuple[int, str, Mapping[str, str]]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as resp:
        return resp.status, await resp.text(), resp.headers


def state_of(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["state"][0]


async def test_healthz(base_url: str) -> None:
    status, body, _ = await fetch(f"{base_url}/healthz")
    assert (status, body) == (200, "ok")


async def test_denied_page_is_in_the_language_of_the_state(base_url: str, links: LinkService) -> None:
    state = state_of(await links.start_link(1, None, "es-ES"))
    status, body, headers = await fetch(f"{base_url}/callback?error=access_denied&state={state}")
    assert status == 200
    assert '<html lang="es">' in body
    assert "Rechazaste la autorización de Spotify" in body
    assert "Cuenta de Spotify no vinculada" in body
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"


async def test_unknown_state_uses_the_browser_language(base_url: str) -> None:
    status, body, _ = await fetch(f"{base_url}/callback?code=x&state=forged", **{"Accept-Language": "es-419"})
    assert status == 400
    assert "Este enlace no es válido o ya se usó" in body


async def test_missing_parameters_get_a_page_not_a_traceback(base_url: str) -> None:
    status, body, _ = await fetch(f"{base_url}/callback")
    assert status == 400
    assert "This link is not valid or was already used" in body
    assert "Traceback" not in body


async def test_expired_state_page(base_url: str, links: LinkService, clock: Clock) -> None:
    state = state_of(await links.start_link(1, None, "en"))
    clock.now += 601
    status, body, _ = await fetch(f"{base_url}/callback?code=abc&state={state}")
    assert status == 400
    assert "This link has expired" in body


async def test_unreachable_spotify_gives_the_error_page(base_url: str, links: LinkService) -> None:
    state = state_of(await links.start_link(1, None, "en"))
    status, body, _ = await fetch(f"{base_url}/callback?code=abc&state={state}")
    assert status == 502
    assert "Spotify could not finish the link" in body
    assert await links.status(1) is None


async def test_markup_in_parameters_is_never_reflected(base_url: str) -> None:
    _, body, _ = await fetch(f"{base_url}/callback?error=%3Cscript%3E&state=%3Cscript%3E")
    assert "<script>" not in body
