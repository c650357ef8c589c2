"""The shared entry point, wired by build_services: local parser -> session -> fake Spotify player."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Services, build_services
from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify, start_demo
from bot.nlu.plan import Context

DEMO_USER = "demo"


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    fake = await start_demo()
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    built = await build_services(settings, demo=fake, demo_token=fake.demo_token)
    yield built
    await built.aclose()


def player(services: Services) -> FakeSpotify:
    assert services.demo is not None
    return services.demo


def dm(locale: str = "en", *, can_control: bool = True) -> Context:
    return Context(user_id=7, is_dm=True, locale=locale, can_control=can_control)  # type: ignore[arg-type]


async def test_play_and_turn_it_up_changes_the_player(services: Services) -> None:
    before = player(services).player(DEMO_USER).volume
    response = await services.assistant.handle_text("play daft punk and turn it up", dm())
    state = player(services).player(DEMO_USER)
    assert response.ok, response.messages()
    assert response.plan.source == "rules"
    assert state.is_playing
    assert state.item is not None and any(a["name"] == "Daft Punk" for a in state.item["artists"])
    assert state.volume > before
    assert "Daft Punk" in response.messages()[0]


async def test_spanish_text_gets_spanish_replies(services: Services) -> None:
    response = await services.assistant.handle_text("pon el volumen al 35", dm())
    assert response.lang == "es"
    assert player(services).player(DEMO_USER).volume == 35
    assert "35" in response.messages()[0] and "olumen" in response.messages()[0]


async def test_without_control_permission_playback_is_refused_but_reading_is_not(services: Services) -> None:
    ctx = dm(can_control=False)
    refused = await services.assistant.handle_text("pause", ctx)
    assert not refused.ok
    assert "DJ role" in refused.messages()[0]
    assert [r for r in player(services).requests if r.path.endswith("/pause")] == []
    allowed = await services.assistant.handle_text("what's playing", ctx)
    assert allowed.ok


async def test_first_failure_stops_the_plan_and_says_what_was_not_done(services: Services) -> None:
    fake = player(services)
    fake.set_active_device(DEMO_USER, None)
    response = await services.assistant.handle_text("skip and turn it up", dm())
    assert not response.ok
    assert "device" in response.messages()[0].lower()
    assert response.messages()[1] == "Because of that, I did not go on to change the volume."
    assert not [r for r in fake.requests if r.path.endswith("/volume")]
    spanish = await services.assistant.handle_text("pon zzqqxxnada y sube el volumen", dm())
    assert spanish.messages()[1] == "Por eso no seguí con lo demás: cambiar el volumen."


@pytest.mark.parametrize("text", ["", "   ", "\x00\x07\n"])
async def test_empty_input_asks_for_a_command(services: Services, text: str) -> None:
    response = await services.assistant.handle_text(text, dm())
    assert response.messages() == ["Tell me what to do, for example `play Daft Punk` or `help`."]


async def test_vague_text_without_llm_says_only_simple_commands_work(services: Services) -> None:
    response = await services.assistant.handle_text("what do you think about jazz?", dm("en"))
    message = response.messages()[0]
    assert "not configured" in message and "GROQ_API_KEY" in message
    assert "didn't understand" not in message


async def test_a_guild_language_setting_wins_over_the_texts_language(services: Services) -> None:
    ctx = Context(user_id=7, is_dm=True, locale="es", lang_locked=True)
    response = await services.assistant.handle_text("volume 20", ctx)
    assert response.lang == "es"
    assert "volumen" in response.messages()[0].lower()


async def test_a_genre_request_plays_a_matching_playlist(services: Services) -> None:
    response = await services.assistant.handle_text("play some jazz", dm())
    state = player(services).player(DEMO_USER)
    assert response.ok, response.messages()
    assert state.is_playing
    assert state.context_uri is not None and state.context_uri.startswith("spotify:playlist:")
