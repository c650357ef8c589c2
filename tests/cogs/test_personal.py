"""Personal recommendations in DMs, through the real pipeline (dpytest -> cog -> Assistant -> session ->
spotipy against the fake Spotify, the real LLM SDK against the fake LLM server)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import discord.ext.test as dpytest

from bot.app import Services
from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from bot.spotify.oauth import SCOPES
from bot.storage.repository import LinkedAccount, SpotifyToken
from tests.cogs.conftest import CLIENT_ID, link
from tests.cogs.test_assistant import buttons, dbot, payloads  # noqa: F401  (fixtures)
from tests.fakes.llm_server import FakeLLMServer, answer, server_error

LINE = re.compile(r"^\d+\. (?P<title>.+?) — (?P<artists>.+)$", re.M)


def listed(description: str) -> list[tuple[str, str]]:
    """(title, first artist) of every numbered line of a reply."""
    return [(m["title"], m["artists"].split(", ")[0]) for m in LINE.finditer(description)]


def names(fake: FakeSpotify, uris: list[str]) -> set[tuple[str, str]]:
    out = set()
    for uri in uris:
        track = fake.catalog.tracks[uri.rsplit(":", 1)[-1]]
        out.add((track.name, fake.catalog.artists[track.artist_ids[0]].name))
    return out


def saved_songs(fake: FakeSpotify, user: str) -> set[tuple[str, str]]:
    return names(fake, [u for u in fake.users[user].library if u.startswith("spotify:track:")])


def recent_songs(fake: FakeSpotify, user: str) -> set[tuple[str, str]]:
    listening = fake.users[user].listening
    assert listening is not None
    return names(fake, [u for u, _ in listening.past_plays])


def top_artists(fake: FakeSpotify, user: str) -> list[str]:
    listening = fake.users[user].listening
    assert listening is not None
    ids = listening.top_artists["short_term"] + listening.top_artists["medium_term"]
    return [fake.catalog.artists[i].name for i in dict.fromkeys(ids)]


def fresh_songs_by(fake: FakeSpotify, user: str, artists: list[str], n: int) -> list[tuple[str, str]]:
    """Songs by `artists` the user neither saved nor played (what a good model would suggest)."""
    known = saved_songs(fake, user) | recent_songs(fake, user)
    listening = fake.users[user].listening
    assert listening is not None
    known |= names(fake, [f"spotify:track:{t}" for r in listening.top_tracks.values() for t in r])
    out = []
    for name in artists:
        artist = fake.catalog.artist_by_name(name)
        for tid in artist.track_ids:
            track = fake.catalog.tracks[tid]
            song = (track.name, name)
            if track.artist_ids[0] == artist.id and song not in known and song not in out:
                out.append(song)
                break
    return out[:n]


def batch_requests(llm: FakeLLMServer) -> list[dict[str, Any]]:
    """The user payloads of the suggestion requests the bot sent to the model."""
    out = []
    for r in llm.requests:
        users = [m for m in r.json.get("messages", []) if m.get("role") == "user"]
        payload = json.loads(users[0]["content"]) if users else {}
        if "request" in payload:
            out.append(payload)
    return out


async def test_dm_recommend_me_something_fits_the_taste_and_skips_what_they_saved(
    dbot: SpotifyBot,  # noqa: F811
    services: Services,
    fake_spotify: FakeSpotify,
    llm: FakeLLMServer,
    payloads: list[dict[str, Any]],  # noqa: F811
) -> None:
    member = dpytest.get_config().members[1]
    await link(
        services, fake_spotify, member.id, "listener"
    )  # loves Soda Stereo, Maná, Los Fabulosos Cadillacs
    saved = sorted(saved_songs(fake_spotify, "listener"))
    played = sorted(recent_songs(fake_spotify, "listener") - set(saved))
    close = fresh_songs_by(
        fake_spotify, "listener", ["Juanes", "Shakira", "Maná", "Soda Stereo", "Karol G"], 5
    )
    assert len(close) == 5
    # The "model" suggests two songs the listener saved and one they just played, then five new ones.
    suggestions = [*saved[:2], played[0], *close]
    llm.script(answer(json.dumps({"tracks": [{"title": t, "artist": a} for t, a in suggestions]})))

    dm = await member.create_dm()
    await dpytest.message("recommend me something", channel=dm, member=member)
    reply = dpytest.get_message()
    description = reply.embeds[0].description or ""
    songs = listed(description)

    assert "for you" in description
    assert len(songs) == 5
    assert not set(songs) & saved_songs(fake_spotify, "listener")
    assert not set(songs) & recent_songs(fake_spotify, "listener")
    assert {a for _, a in songs} <= set(top_artists(fake_spotify, "listener"))
    labels = [b.get("label") for b in buttons(payloads[-1])]
    assert {"Play all", "Add to queue", "Save as playlist"} <= set(labels)
    # The prompt carried a compact taste summary and the songs to avoid.
    (sent,) = batch_requests(llm)
    assert "Soda Stereo" in sent["taste"] and sent["avoid"]
    # Saved songs were checked against the listener's own library (one call for all candidates).
    contains = [r for r in fake_spotify.requests if r.path == "/v1/me/library/contains"]
    assert len(contains) == 1 and contains[0].user_id == "listener"


async def test_dm_recommendation_with_every_llm_down_comes_from_the_listening(
    dbot: SpotifyBot,  # noqa: F811
    services: Services,
    fake_spotify: FakeSpotify,
    llm: FakeLLMServer,
) -> None:
    llm.script(server_error(503), times=None)
    member = dpytest.get_config().members[1]
    await link(services, fake_spotify, member.id, "listener")
    dm = await member.create_dm()
    await dpytest.message("recomiéndame algo", channel=dm, member=member)
    description = dpytest.get_message().embeds[0].description or ""
    songs = listed(description)

    assert "salen de lo que escuchas" in description  # says where they come from (in Spanish)
    assert len(songs) == 5
    listening = fake_spotify.users["listener"].listening
    assert listening is not None
    theirs = set(top_artists(fake_spotify, "listener")) | {
        a for _, a in recent_songs(fake_spotify, "listener")
    }
    assert {a for _, a in songs} <= theirs
    assert not set(songs) & saved_songs(fake_spotify, "listener")
    assert not set(songs) & recent_songs(fake_spotify, "listener")
    searches = [r for r in fake_spotify.requests if r.path == "/v1/search"]
    assert searches and all(int(r.query["limit"]) <= 10 for r in searches)
    assert all(r.query["q"].startswith('artist:"') for r in searches)


async def test_an_old_link_without_listening_scopes_still_recommends_and_offers_a_relink(
    dbot: SpotifyBot,  # noqa: F811
    services: Services,
    fake_spotify: FakeSpotify,
    llm: FakeLLMServer,
    payloads: list[dict[str, Any]],  # noqa: F811
) -> None:
    member = dpytest.get_config().members[1]
    old_scopes = [
        s for s in SCOPES if s not in ("user-top-read", "user-read-recently-played", "user-library-read")
    ]
    token = fake_spotify.add_user("listener")
    await services.repo.save_account(
        LinkedAccount(
            user_id=member.id,
            spotify_id="listener",
            display_name="Listener",
            client_id=CLIENT_ID,
            token=SpotifyToken(access_token=token, refresh_token="r", expires_at=time.time() + 3600),
            scopes=old_scopes,
            linked_at=time.time(),
        )
    )
    dm = await member.create_dm()
    await dpytest.message("recommend me something", channel=dm, member=member)
    description = dpytest.get_message().embeds[0].description or ""

    assert listed(description)  # the prompt alone still gives songs
    assert "link Spotify again" in description
    relink = [b for b in buttons(payloads[-1]) if b.get("url")]
    assert relink and relink[0]["url"].startswith(fake_spotify.accounts_base + "/authorize?")
    assert not [r for r in fake_spotify.requests if "/me/top/" in r.path]  # no doomed reads


async def test_the_taste_is_read_once_and_cached(
    dbot: SpotifyBot,  # noqa: F811
    services: Services,
    fake_spotify: FakeSpotify,
    llm: FakeLLMServer,
) -> None:
    member = dpytest.get_config().members[1]
    await link(services, fake_spotify, member.id, "listener")
    dm = await member.create_dm()
    for _ in range(2):
        await dpytest.message("recommend me something", channel=dm, member=member)
        dpytest.get_message()
    tops = [r for r in fake_spotify.requests if r.path.startswith("/v1/me/top/")]
    assert len(tops) == 3  # short- and medium-term artists, short-term tracks: once
