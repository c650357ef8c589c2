"""Recommendations: the LLM proposes (title, artist) pairs; each is resolved to a real track through search."""

from __future__ import annotations

import asyncio
import logging

from bot.errors import UserFacingError
from bot.llm.protocols import TrackSuggester, TrackSuggestion
from bot.spotify.errors import NothingFound, RecommendationsNeedLLM, SpotifyUnavailable
from bot.spotify.outcome import TrackInfo
from bot.spotify.resolve import Resolver, fold

log = logging.getLogger(__name__)

SEARCH_CONCURRENCY = 4


async def resolve_suggestions(
    resolver: Resolver,
    suggestions: list[TrackSuggestion],
    *,
    limit: int,
    concurrency: int = SEARCH_CONCURRENCY,
) -> list[TrackInfo]:
    """Search every suggestion (at most `concurrency` at once); drop unknown ones and duplicates, keep order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(suggestion: TrackSuggestion) -> TrackInfo | None:
        async with gate:
            return await resolver.suggestion(suggestion.title, suggestion.artist)

    results = await asyncio.gather(*(one(s) for s in suggestions), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    for error in errors:
        if not isinstance(error, UserFacingError):
            log.warning("resolving a suggestion failed: %s", type(error).__name__)
    if errors and len(errors) == len(results):
        # Nothing resolved because Spotify failed (rate limit, outage): report that, not "nothing found".
        first = errors[0]
        raise first if isinstance(first, UserFacingError) else SpotifyUnavailable()
    tracks: list[TrackInfo] = []
    seen: set[str] = set()
    for suggestion, result in zip(suggestions, results, strict=True):
        if isinstance(result, BaseException):
            continue
        if result is None:
            log.debug("no catalog match for suggestion %r by %r", suggestion.title, suggestion.artist)
            continue
        same_song = f"{fold(result.name)}|{fold(result.artists[0]) if result.artists else ''}"
        if result.uri not in seen and same_song not in seen:
            seen.update((result.uri, same_song))
            tracks.append(result)
    return tracks[:limit]


async def recommend(
    suggester: TrackSuggester | None, resolver: Resolver, prompt: str, count: int, lang: str
) -> list[TrackInfo]:
    """Up to `count` real tracks for `prompt`; raises RecommendationsNeedLLM, LLMUnavailable or NothingFound."""
    if suggester is None:
        raise RecommendationsNeedLLM()
    # Ask for a few extra: some suggestions will not resolve or will be duplicates.
    wanted = min(count + max(2, count // 2), 30)
    suggestions = await suggester.suggest_tracks(prompt, wanted, lang)
    tracks = await resolve_suggestions(resolver, list(suggestions), limit=count)
    if not tracks:
        raise NothingFound(query=prompt)
    return tracks
