"""DJ mode against the fake Spotify and the fake LLM: a simulated half hour, stop, idle, unlink, restart."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import Services
from bot.demo.spotify_server import FakeSpotify
from bot.dj.service import DjService
from bot.dj.state import DjState
from bot.errors import NotAllowed
from bot.nlu.plan import Context
from tests.cogs.conftest import GUILD_ID, OWNER_ID
from tests.fakes.llm_server import FakeLLMServer, answer, server_error


class Wall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def dj_for(services: Services, wall: Wall, **kwargs: Any) -> DjService:
    return DjService(
        repo=services.repo,
        sessions=services.sessions,
        suggester=services.recommender,  # type: ignore[arg-type]
        background=False,
        wall=wall,
        **kwargs,
    )


def ctx(user_id: int = OWNER_ID, *, can_control: bool = True) -> Context:
    return Context(user_id=user_id, guild_id=GUILD_ID, channel_id=77, can_control=can_control)


def model_of(fake: FakeSpotify, llm: FakeLLMServer) -> list[dict[str, Any]]:
    """A scripted "model": ten new catalog songs per call, plus two it already suggested (never queued twice)."""
    songs = [
        (t.name, fake.catalog.artists[t.artist_ids[0]].name)
        for t in sorted(fake.catalog.tracks.values(), key=lambda t: -t.popularity)
    ]
    asked: list[dict[str, Any]] = []

    def reply(request: dict[str, Any]) -> str:
        payload = json.loads(request["messages"][-1]["content"])
        asked.append(payload)
        start = 10 * (len(asked) - 1)
        batch = songs[start : start + 8] + songs[:2]  # two repeats of the first batch
        return json.dumps({"tracks": [{"title": t, "artist": a} for t, a in batch]})

    llm.script(answer(reply), times=None)
    return asked


async def test_dj_keeps_three_songs_coming_for_half_an_hour_without_repeats_then_stops(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    asked = model_of(fake_spotify, llm)
    wall = Wall()
    dj = dj_for(services, wall)
    started = await dj.start(ctx(), "something chill for the evening")
    player = fake_spotify.player(guild_linked)
    assert started.ok and "DJ mode is on" in started.message("en")
    assert player.is_playing and len(player.upcoming) >= 3

    for _ in range(30):  # half an hour, checked every minute
        fake_spotify.advance_clock(60)
        wall.now += 60
        await dj.tick(GUILD_ID)
        assert len(fake_spotify.player(guild_linked).upcoming) >= 3

    state = dj.status(GUILD_ID)
    assert state is not None
    assert len(state.played) == len(set(state.played))  # never the same track twice
    heard = [uri for uri, _, _ in player.history]
    assert len(heard) >= 6 and len(heard) == len(set(heard))
    # batches of ten: about one model call per ten songs queued
    assert state.batches == len(asked) <= state.queued // 8 + 1
    assert asked[0]["request"] == "something chill for the evening" and "playing" in asked[-1]
    assert (
        json.loads((await services.repo.dj_states())[GUILD_ID])["vibe"] == "something chill for the evening"
    )

    stopped = await dj.stop(ctx())
    assert stopped.message("en") == "DJ mode is off."
    assert dj.status(GUILD_ID) is None and await services.repo.dj_states() == {}
    queued_before = state.queued
    fake_spotify.advance_clock(600)
    await dj.tick(GUILD_ID)
    assert not [
        r for r in fake_spotify.requests[-3:] if r.path == "/v1/me/player/queue" and r.method == "POST"
    ]
    assert state.queued == queued_before


async def test_dj_without_any_llm_still_fills_the_queue_from_search(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    llm.script(server_error(503), times=None)
    wall = Wall()
    dj = dj_for(services, wall)
    await dj.start(ctx(), "rock")
    for _ in range(10):
        fake_spotify.advance_clock(60)
        wall.now += 60
        await dj.tick(GUILD_ID)
        assert len(fake_spotify.player(guild_linked).upcoming) >= 3
    searches = [r for r in fake_spotify.requests if r.path == "/v1/search"]
    assert searches and all(int(r.query["limit"]) <= 10 for r in searches)


async def test_only_members_who_control_playback_start_or_stop_it(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    dj = dj_for(services, Wall())
    with pytest.raises(NotAllowed):
        await dj.start(ctx(222, can_control=False), "chill")
    assert not fake_spotify.player(guild_linked).is_playing
    await dj.start(ctx(), "chill")
    with pytest.raises(NotAllowed):
        await dj.stop(ctx(222, can_control=False))
    assert dj.status(GUILD_ID) is not None


async def test_dj_stops_by_itself_when_playback_stops_for_a_while(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    wall = Wall()
    dj = dj_for(services, wall, idle_stop_s=600)
    ended: list[tuple[int, str]] = []

    async def on_end(state: DjState, reason: str) -> None:
        ended.append((state.guild_id, reason))

    dj.add_end_listener(on_end)
    await dj.start(ctx(), "chill")
    fake_spotify.player(guild_linked).pause()
    for _ in range(12):
        wall.now += 60
        await dj.tick(GUILD_ID)
    assert ended == [(GUILD_ID, "idle")]
    assert dj.status(GUILD_ID) is None and await services.repo.dj_states() == {}
    assert not fake_spotify.player(guild_linked).is_playing  # it never restarted what someone paused


async def test_dj_stops_when_the_controller_unlinks(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    dj = dj_for(services, Wall())
    ended: list[str] = []

    async def on_end(state: DjState, reason: str) -> None:
        ended.append(reason)

    dj.add_end_listener(on_end)
    await dj.start(ctx(), "chill")
    assert services.links is not None
    await services.links.unlink(OWNER_ID)
    await dj.tick(GUILD_ID)
    assert ended == ["controller"] and dj.status(GUILD_ID) is None


async def test_dj_mode_survives_a_restart(
    services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer, guild_linked: str
) -> None:
    wall = Wall()
    first = dj_for(services, wall)
    await first.start(ctx(), "eighties synth pop")
    before = first.status(GUILD_ID)
    assert before is not None
    await first.aclose()

    second = dj_for(services, wall)  # a new process: same database
    assert await second.resume_all() == 1
    after = second.status(GUILD_ID)
    assert after is not None and after.vibe == "eighties synth pop" and after.played == before.played
    fake_spotify.advance_clock(400)  # a short restart: two songs went by
    await second.tick(GUILD_ID)
    assert len(fake_spotify.player(guild_linked).upcoming) >= 3
    added = after.played[len(before.played) :]
    assert added and not set(added) & set(before.played)  # it remembered the songs from before the restart


async def test_a_dm_gets_a_personal_dj_on_the_users_own_account(
    services: Services, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    """In a DM (or the terminal chat) DJ mode plays on the asker's own account, keyed apart from any guild."""
    wall = Wall()
    dj = dj_for(services, wall)
    dm = Context(user_id=OWNER_ID, is_dm=True)
    started = await dj.start(dm, "chill for the evening")
    assert started.ok and started.key == "dj.started"
    assert dj.status(-OWNER_ID) is not None and dj.status(GUILD_ID) is None
    assert len(fake_spotify.player(guild_linked).upcoming) >= 3  # the owner's own player
    assert -OWNER_ID in await services.repo.dj_states()
    stopped = await dj.stop(dm)
    assert stopped.key == "dj.stopped" and dj.status(-OWNER_ID) is None


async def test_a_vibe_that_finds_nothing_says_so_instead_of_an_empty_list(
    services: Services, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    dj = DjService(
        repo=services.repo, sessions=services.sessions, suggester=None, background=False, wall=Wall()
    )
    started = await dj.start(ctx(), "zzqxv wobblefrump")
    assert started.key == "dj.started_empty"
    assert "found no songs for it yet" in started.message("en")
    assert "aún no encontré canciones" in started.message("es")
    assert not fake_spotify.player(guild_linked).upcoming
