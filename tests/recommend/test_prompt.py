"""Prompt sizes for personal recommendations and DJ batches (estimated tokens, the LLM budget's estimate)."""

from __future__ import annotations

from bot.nlu.prompt import recommend_messages
from bot.recommend.prompt import dj_messages, personal_messages, prompt_tokens
from bot.recommend.taste import TasteProfile
from bot.spotify.outcome import TrackInfo


def _taste() -> TasteProfile:
    artists = tuple(f"Artist Number {i}" for i in range(20))
    tracks = tuple(
        TrackInfo(f"spotify:track:{i:022d}", f"A Fairly Long Song Title {i}", (artists[i % 20],))
        for i in range(30)
    )
    return TasteProfile(artists[:10], artists[10:], tracks[:10], tracks[10:], tracks[0])


def test_a_personal_prompt_stays_small_with_a_full_taste() -> None:
    plain = prompt_tokens(recommend_messages("something for me", 8, "en"))
    personal = prompt_tokens(personal_messages("something for me", 8, "en", _taste()))
    # the taste line (8 artists, 4 recent songs, what is on) and 8 songs to avoid add a bounded amount
    assert personal - plain <= 230, (plain, personal)
    assert personal <= 340


def test_the_avoid_list_and_summary_are_capped() -> None:
    messages = personal_messages("x", 8, "en", _taste(), avoid=[f"Song {i} — Someone" for i in range(8)])
    content = messages[1]["content"]
    assert content.count("Song ") <= 8 + 3 + 1  # avoid list, recent songs, what is on
    assert "Artist Number 19" not in content


def test_a_dj_batch_prompt_is_small() -> None:
    played = [f"A Fairly Long Song Title {i} — Artist Number {i}" for i in range(40)]
    tokens = prompt_tokens(dj_messages("something chill for the evening", 10, "en", played, played))
    assert tokens <= 330, tokens
    assert "Title 25" not in dj_messages("chill", 10, "en", played, played)[1]["content"]
