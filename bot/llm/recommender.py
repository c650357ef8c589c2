"""Track suggestions from the LLM chain (implements `TrackSuggester`)."""

from __future__ import annotations

import json
import logging

from pydantic import TypeAdapter

from bot.config import Settings
from bot.llm.chain import ChainMiss, ChainResult, InvalidOutput, LLMChain, build_chain
from bot.llm.errors import LLMUnavailable
from bot.llm.protocols import TrackSuggestion
from bot.llm.providers import Message
from bot.nlu.prompt import TRACKS_FORMAT, estimate_messages_tokens, recommend_messages

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 20
RECOMMEND_MAX_TOKENS = 640  # ~20 tokens a track and gpt-oss's low-effort reasoning
_TRACKS_ADAPTER: TypeAdapter[list[TrackSuggestion]] = TypeAdapter(list[TrackSuggestion])


def tracks_from_json(content: str) -> list[TrackSuggestion]:
    """`{"tracks": [{"title", "artist"}]}` -> suggestions, duplicates removed; ValueError otherwise."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        raise InvalidOutput("not valid JSON") from None
    items = data.get("tracks") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InvalidOutput('expected {"tracks": [{"title": ..., "artist": ...}]} with at least one track')
    tracks = _TRACKS_ADAPTER.validate_python(items[: MAX_SUGGESTIONS * 2])
    unique: dict[tuple[str, str], TrackSuggestion] = {}
    for track in tracks:
        unique.setdefault((track.title.casefold().strip(), track.artist.casefold().strip()), track)
    return list(unique.values())


class LLMRecommender:
    """Asks the chain for real tracks at the recommendation temperature."""

    def __init__(self, chain: LLMChain | None, *, temperature: float = 0.9, owns_chain: bool = True) -> None:
        self._chain = chain if chain is not None and chain.enabled else None
        self._temperature = temperature
        self._owns_chain = owns_chain

    async def suggest_tracks(self, prompt: str, count: int, lang: str) -> list[TrackSuggestion]:
        count = max(1, min(count, MAX_SUGGESTIONS))
        return await self.suggest_batch(recommend_messages(prompt, count, lang), count)

    async def suggest_batch(self, messages: list[Message], count: int) -> list[TrackSuggestion]:
        """Up to `count` suggestions for a prepared prompt (personal recommendations, DJ batches)."""
        if self._chain is None:
            raise LLMUnavailable()
        count = max(1, min(count, MAX_SUGGESTIONS))
        result: ChainResult[list[TrackSuggestion]] | ChainMiss
        try:
            result = await self._chain.attempt(
                messages,
                tracks_from_json,
                TRACKS_FORMAT,
                temperature=self._temperature,
                max_tokens=RECOMMEND_MAX_TOKENS,
                token_estimate=estimate_messages_tokens(messages),
            )
        except Exception:
            log.exception("LLM chain failed unexpectedly")
            result = ChainMiss("unavailable")
        if isinstance(result, ChainMiss):
            key, params = result.notice("llm.")
            raise LLMUnavailable(key, **params)
        log.info("%d suggestions from %s in %.0f ms", len(result.value), result.source, result.latency_ms)
        return result.value[:count]

    async def aclose(self) -> None:
        if self._chain is not None and self._owns_chain:
            await self._chain.aclose()


def build_recommender(settings: Settings, chain: LLMChain | None = None) -> LLMRecommender:
    """A recommender for `settings`; pass the parser's chain to share clients and the Groq budget."""
    if chain is not None:
        return LLMRecommender(chain, temperature=settings.temperature_recommend, owns_chain=False)
    return LLMRecommender(build_chain(settings), temperature=settings.temperature_recommend)
