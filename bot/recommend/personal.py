"""Personal recommendations: the LLM with a compact taste summary, or (no LLM) the listener's own artists.

Either way the songs the listener saved or played lately are dropped, and the bot asks for more to keep the
count. Spotify calls per recommendation: one search per suggestion resolved (or per artist on the fallback),
one `GET /me/library/contains` per 40 candidates, plus the taste reads when the cached profile is stale.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from bot.errors import UserFacingError
from bot.i18n import t
from bot.llm.errors import LLMUnavailable
from bot.llm.protocols import TrackSuggestion
from bot.llm.providers import Message
from bot.nlu import actions as a
from bot.nlu.plan import Context
from bot.recommend.prompt import personal_messages, prompt_tokens
from bot.recommend.taste import (
    TASTE_CALLS,
    MissingTasteScopes,
    TasteProfile,
    TasteService,
    short_label,
    song_key,
)
from bot.spotify.client import SpotifyApi
from bot.spotify.errors import NothingFound, RecommendationsNeedLLM
from bot.spotify.outcome import Outcome, TrackInfo
from bot.spotify.recommend import resolve_suggestions
from bot.spotify.resolve import Resolver, fold

log = logging.getLogger(__name__)

MAX_ASK = 20  # suggestions per model call
LLM_ROUNDS = 2  # a second call only when too few survive the filters
FALLBACK_PER_ARTIST = 3
FALLBACK_MAX_ARTISTS = 8
SEARCH_LIMIT = 10  # the 2026 Web API maximum


class BatchSuggester(Protocol):
    async def suggest_batch(self, messages: list[Message], count: int) -> list[TrackSuggestion]:
        """Up to `count` suggestions for prepared messages. Raises LLMUnavailable."""
        ...


@dataclass(slots=True)
class Picks:
    """What a recommendation produced and how (the reply's wording depends on it)."""

    tracks: list[TrackInfo]
    source: str  # "llm" (prompt + taste), "llm_prompt" (prompt alone), "listening" (no LLM: the taste alone)
    needs_scopes: bool = False  # the link lacks the listening scopes: say so once and offer a relink
    llm_notice: UserFacingError | None = None  # why no model answered (quota, outage), told with the picks
    spotify_calls: int = 0
    prompt_tokens: list[int] = field(default_factory=list)


def extra_for(count: int) -> int:
    """How many suggestions to ask for so that `count` survive (unresolved, saved, recently played)."""
    return min(MAX_ASK, count + max(3, math.ceil(count * 0.6)))


class Filter:
    """Drops songs the listener knows: played lately or in their top (by uri or same song), or saved."""

    def __init__(self, taste: TasteProfile | None, api: SpotifyApi | None) -> None:
        self._uris = set(taste.known_uris()) if taste is not None else set()
        self._keys = set(taste.known_keys()) if taste is not None else set()
        self._api = api
        self.calls = 0

    def unknown(self, tracks: Sequence[TrackInfo]) -> list[TrackInfo]:
        return [t for t in tracks if t.uri not in self._uris and song_key(t) not in self._keys]

    async def unsaved(self, tracks: list[TrackInfo]) -> list[TrackInfo]:
        if self._api is None or not tracks:
            return tracks
        uris = [t.uri for t in tracks]
        self.calls += math.ceil(len(uris) / 40)
        saved = await TasteService.saved_among(self._api, uris)
        return [t for t in tracks if t.uri not in saved]

    def remember(self, tracks: Sequence[TrackInfo]) -> None:
        """Never offer these again in this request (already chosen or already rejected)."""
        self._uris.update(t.uri for t in tracks)
        self._keys.update(song_key(t) for t in tracks)


class PersonalRecommender:
    """Recommendations for the person asking, from their taste when they let the bot see it."""

    def __init__(
        self, *, suggester: BatchSuggester | None, taste: TasteService, rng: random.Random | None = None
    ):
        self._suggester = suggester
        self.taste = taste
        self._rng = rng or random.Random()

    async def recommend(
        self,
        request: str,
        count: int,
        lang: str,
        *,
        user_id: int,
        resolver: Resolver,
        own_api: SpotifyApi | None,
    ) -> Picks:
        """`count` tracks for `user_id`. `own_api` is their account's API when the session acts on it.

        Raises LLMUnavailable only when there is neither a model nor a taste to work from; NothingFound when
        nothing survives."""
        needs_scopes = False
        taste: TasteProfile | None = None
        api = own_api
        fetches_before = self.taste.fetches
        try:
            api = own_api or await self.taste.api_for(user_id)
            taste = await self.taste.profile(user_id, api) if api is not None else None
        except MissingTasteScopes:
            needs_scopes = True
        filt = Filter(taste, None if needs_scopes else api)
        picks: Picks | None = None
        notice: LLMUnavailable | None = None
        if self._suggester is not None:
            try:
                picks = await self._from_llm(request, count, lang, taste, resolver, filt)
            except LLMUnavailable as exc:
                notice = exc
                log.info("no LLM for a recommendation: %s", "using the taste" if taste else "nothing to use")
        if picks is None:
            if taste is None or taste.empty:
                raise notice or LLMUnavailable()
            picks = await self._from_listening(count, taste, resolver, filt)
            picks.llm_notice = notice
        picks.needs_scopes = needs_scopes
        picks.spotify_calls += filt.calls + (self.taste.fetches - fetches_before) * TASTE_CALLS
        if not picks.tracks:
            raise NothingFound(query=request)
        return picks

    async def _from_llm(
        self,
        request: str,
        count: int,
        lang: str,
        taste: TasteProfile | None,
        resolver: Resolver,
        filt: Filter,
    ) -> Picks:
        assert self._suggester is not None
        picks = Picks([], "llm" if taste is not None and not taste.empty else "llm_prompt")
        rejected: list[str] = []
        for _ in range(LLM_ROUNDS):
            missing = count - len(picks.tracks)
            if missing <= 0:
                break
            messages = personal_messages(request, extra_for(missing), lang, taste, rejected[-8:])
            picks.prompt_tokens.append(prompt_tokens(messages))
            suggestions = await self._suggester.suggest_batch(messages, extra_for(missing))
            resolved = await resolve_suggestions(resolver, suggestions, limit=MAX_ASK)
            picks.spotify_calls += len(suggestions)
            fresh = await filt.unsaved(filt.unknown(resolved))
            filt.remember(resolved)
            picks.tracks += fresh[:missing]
            rejected += [short_label(t) for t in resolved if t not in fresh]
        return picks

    async def _from_listening(
        self, count: int, taste: TasteProfile, resolver: Resolver, filt: Filter
    ) -> Picks:
        """Songs by the listener's own artists that they have not saved or played lately (search limit 10)."""
        artists = list(taste.artists[: FALLBACK_MAX_ARTISTS * 2])
        head, tail = artists[:3], artists[3:]
        self._rng.shuffle(tail)
        wanted_artists = min(
            len(artists), max(3, math.ceil(count / FALLBACK_PER_ARTIST) + 1), FALLBACK_MAX_ARTISTS
        )
        chosen = (head + tail)[:wanted_artists]
        picks = Picks([], "listening")
        per_artist: list[list[TrackInfo]] = []
        for name in chosen:
            found = await resolver.search(f'artist:"{name}"', "track", SEARCH_LIMIT)
            picks.spotify_calls += 1
            own = filt.unknown([t for t in found if t.artists and fold(t.artists[0]) == fold(name)])
            self._rng.shuffle(own)  # asking again gives other songs
            per_artist.append(own)
        # Take the artists in turns so one artist does not fill the list.
        candidates: list[TrackInfo] = []
        seen: set[str] = set()
        for rank in range(SEARCH_LIMIT):
            for tracks in per_artist:
                if rank < len(tracks) and song_key(tracks[rank]) not in seen:
                    seen.add(song_key(tracks[rank]))
                    candidates.append(tracks[rank])
        fresh = await filt.unsaved(candidates[: count * 2])
        picks.tracks = fresh[:count]
        return picks


# Requests that name nothing but "for me": the reply says the picks come from the listener's taste.
_GENERIC = frozenset(
    fold(x)
    for x in (
        "",
        "for me",
        "something",
        "anything",
        "me something",
        "something for me",
        "recommend me something",
        "recommend something",
        "some music",
        "music",
        "songs",
        "some songs",
        "new music",
        "something new",
        "surprise me",
        "whatever",
        "algo",
        "algo para mi",
        "recomiendame algo",
        "recomienda algo",
        "musica",
        "canciones",
        "algo nuevo",
        "musica nueva",
        "lo que sea",
        "sorprendeme",
        "cualquier cosa",
    )
)
FOR_ME = "something for me"


_POLITE = frozenset(
    [
        "please",
        "pls",
        "plz",
        "can",
        "could",
        "would",
        "you",
        "hey",
        "hi",
        "bot",
        "por",
        "favor",
        "porfa",
        "puedes",
        "podrias",
        "me",
        "us",
        "nos",
        "just",
        "some",
    ]
)


def is_generic(request: str) -> bool:
    """True when the request adds nothing to "for me" ("recommend me something", "/recommend" alone)."""
    folded = fold(request)
    if folded in _GENERIC:
        return True
    words = [w for w in folded.split() if w not in _POLITE and w != "favor"]
    return " ".join(words) in _GENERIC or " ".join(["recommend", *words[1:]]) in _GENERIC


def playlist_name(request: str, lang: str, today: date | None = None) -> str:
    """What a saved recommendation playlist is called: what it is and when ("For you · 2 Dec 2026")."""
    day = today or datetime.now(UTC).date()
    when = f"{day.day} {day.strftime('%b')} {day.year}"
    if is_generic(request):
        return t("recommend.playlist_for_you", lang, date=when)[:100]
    return t("recommend.playlist_prompt", lang, prompt=" ".join(request.split())[:60], date=when)[:100]


async def recommend_outcome(
    personal: PersonalRecommender,
    action: a.Recommend,
    ctx: Context,
    *,
    resolver: Resolver,
    own_api: SpotifyApi | None,
    has_llm: bool,
) -> Outcome:
    """The recommend action for the person asking; raises a UserFacingError the session reports."""
    try:
        picks = await personal.recommend(
            action.prompt, action.count, ctx.locale, user_id=ctx.user_id, resolver=resolver, own_api=own_api
        )
    except LLMUnavailable as exc:
        if await _scopes_missing(personal, ctx.user_id):
            raise MissingTasteScopes() from None
        if not has_llm:
            raise RecommendationsNeedLLM() from None
        if exc.key != LLMUnavailable.key:
            raise  # says why (quota, key refused): true and more useful than the generic sentence
        raise UserFacingError("recommend.unavailable") from None
    if picks.source == "listening":
        key = "recommend.from_listening"
    elif picks.source == "llm" and is_generic(action.prompt):
        key = "recommend.for_you"
    elif picks.source == "llm":
        key = "recommend.for_prompt_taste"
    else:
        key = "spotify.recommend.ok"
    why = picks.llm_notice
    params_why = why.message(ctx.locale) if why is not None and why.key != LLMUnavailable.key else ""
    if not has_llm:
        params_why = t("recommend.no_key", ctx.locale)
    listing = "\n".join(f"{i}. {track.label}" for i, track in enumerate(picks.tracks, start=1))
    if picks.needs_scopes:
        listing += "\n\n" + t("recommend.needs_scopes", ctx.locale)
    log.info(
        "recommendation for %s: %d tracks from %s, %d Spotify calls, prompt tokens %s",
        ctx.session_key,
        len(picks.tracks),
        picks.source,
        picks.spotify_calls,
        picks.prompt_tokens,
    )
    return Outcome(
        action="recommend",
        ok=True,
        key=key,
        params={
            "count": len(picks.tracks),
            "why": params_why + " " if params_why else t("recommend.no_model", ctx.locale) + " ",
            "prompt": action.prompt,
            "list": listing,
            "needs_scopes": picks.needs_scopes,
            "source": picks.source,
            "playlist_name": playlist_name(action.prompt, ctx.locale),
        },
        tracks=picks.tracks,
    )


async def _scopes_missing(personal: PersonalRecommender, user_id: int) -> bool:
    try:
        await personal.taste.profile(user_id)
    except MissingTasteScopes:
        return True
    except Exception:
        return False
    return False
