"""The intent parser: local rules first (so they still answer when every LLM is down), then the plan cache, then
the LLM chain. When nothing can read the text, the plan says why (not configured, over quota, unavailable)."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from bot.config import Settings
from bot.llm.budget import UsageStore
from bot.llm.chain import ChainMiss, ChainResult, InvalidOutput, LLMChain, build_chain
from bot.llm.recommender import LLMRecommender
from bot.nlu.actions import ACTION_LIST_ADAPTER, Action
from bot.nlu.lang import detect_lang
from bot.nlu.plan import Context, Lang, Plan
from bot.nlu.plan_cache import PlanCache, cache_key
from bot.nlu.prompt import (
    COMMAND_FORMAT,
    COMMAND_FORMAT_STRICT,
    command_messages,
    estimate_messages_tokens,
)
from bot.nlu.rules import parse_local
from bot.nlu.text import normalise_text

log = logging.getLogger(__name__)

MAX_ACTIONS = 8  # one message asking for more than this is not a music command
# Includes gpt-oss reasoning tokens: at effort "low" a one-line command takes ~50-150 of them plus ~30 for the
# JSON. With the ~330-token prompt a request stays under ~650 tokens, 12 a minute within Groq's 8,000 TPM.
COMMAND_MAX_TOKENS = 300
NOT_CONFIGURED_KEY = "llm.command.not_configured"


def actions_from_json(content: str) -> list[Action]:
    """Validate a model's answer: `{"actions": [...]}` (or a bare action / list) -> schema-checked actions.

    Raises ValueError (InvalidOutput or pydantic's ValidationError) for anything else.
    """
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise InvalidOutput(f"not valid JSON ({type(exc).__name__})") from None
    if isinstance(data, dict) and "actions" in data:
        items = data["actions"]
    elif isinstance(data, dict) and "action" in data:
        items = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise InvalidOutput('expected an object {"actions": [...]}')
    if not isinstance(items, list):
        raise InvalidOutput('"actions" must be a list')
    if len(items) > MAX_ACTIONS:
        raise InvalidOutput(f"at most {MAX_ACTIONS} actions")
    cleaned = [{k: v for k, v in i.items() if v is not None} if isinstance(i, dict) else i for i in items]
    return ACTION_LIST_ADAPTER.validate_python(cleaned)


class IntentParser:
    """text + Context -> Plan. Never raises: every failure ends in local rules or an empty plan."""

    def __init__(
        self,
        chain: LLMChain | None,
        *,
        temperature: float = 0.7,
        recommend_temperature: float = 0.9,
        owns_chain: bool = True,
        strict_schema: bool = False,
        use_local_rules: bool = True,
        plan_cache: PlanCache | None = None,
    ) -> None:
        """`use_local_rules=False` sends every message to the LLM (the naive design, for benchmarks)."""
        self._chain = chain if chain is not None and chain.enabled else None
        self.plan_cache = plan_cache if plan_cache is not None else PlanCache(0)
        self._in_flight: dict[str, asyncio.Future[ChainResult[list[Action]] | ChainMiss]] = {}
        self._format = COMMAND_FORMAT_STRICT if strict_schema else COMMAND_FORMAT
        self._use_local_rules = use_local_rules
        self._temperature = temperature
        self._recommend_temperature = recommend_temperature
        self._owns_chain = owns_chain

    def recommender(self) -> LLMRecommender | None:
        """A TrackSuggester sharing this parser's chain (clients and Groq budget); None without an LLM key.

        The parser keeps ownership: closing the parser closes the shared clients.
        """
        if self._chain is None:
            return None
        return LLMRecommender(self._chain, temperature=self._recommend_temperature, owns_chain=False)

    @property
    def uses_llm(self) -> bool:
        return self._chain is not None

    async def parse(self, text: str, ctx: Context) -> Plan:
        started = time.perf_counter()
        text = normalise_text(text)
        lang = self._lang(text, ctx.locale)
        if not text:
            return Plan(lang=lang)
        local = self._local(text, ctx)
        if local is not None:
            return local
        if self._chain is None:
            return Plan(lang=lang, source="none", failure_key=NOT_CONFIGURED_KEY)
        key = cache_key(text, lang)
        cached = self.plan_cache.get(key)
        if cached is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            return Plan(
                actions=list(cached.actions),
                lang=lang,
                source=f"cache:{cached.source}",
                latency_ms=elapsed_ms,
            )
        shared = self._in_flight.get(key) if ctx.current_track is None else None
        if shared is not None:  # the same words are being asked right now: wait for that answer
            result = await asyncio.shield(shared)
            if isinstance(result, ChainResult):
                self.plan_cache.note_shared()
                elapsed_ms = (time.perf_counter() - started) * 1000.0
                return Plan(
                    actions=list(result.value),
                    lang=lang,
                    source=f"cache:{result.source}",
                    latency_ms=elapsed_ms,
                )
        else:
            result = await self._ask_llm_once(key, text, ctx, lang)
        if isinstance(result, ChainResult):
            self.plan_cache.put(key, result.value, result.source, ctx)
            return Plan(
                actions=result.value,
                lang=lang,
                source=result.source,
                latency_ms=result.latency_ms,
                prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens,
            )
        # Nothing answered: the local rules already had their say above (they are deterministic, so asking them
        # again as a "last resort" would repeat the same work for the same None). Say why, not "not understood".
        failure_key, params = result.notice("llm.command.")
        log.info("no language model answered (%s); telling the user %s", result.reason, failure_key)
        return Plan(
            lang=lang,
            source="none",
            latency_ms=(time.perf_counter() - started) * 1000.0,
            failure_key=failure_key,
            failure_params=params,
        )

    async def parse_offline(self, text: str, ctx: Context) -> Plan:
        """Local rules only: no network."""
        text = normalise_text(text)
        lang = self._lang(text, ctx.locale)
        return (self._local(text, ctx) if text else None) or Plan(lang=lang, source="none")

    async def _ask_llm_once(
        self, key: str, text: str, ctx: Context, lang: Lang
    ) -> ChainResult[list[Action]] | ChainMiss:
        """Ask the chain; requests for the same words (without a current track) meanwhile share this answer."""
        future: asyncio.Future[ChainResult[list[Action]] | ChainMiss] = (
            asyncio.get_running_loop().create_future()
        )
        if ctx.current_track is None:
            self._in_flight[key] = future
        result: ChainResult[list[Action]] | ChainMiss = ChainMiss("unavailable")
        try:
            result = await self._ask_llm(text, ctx, lang)
        except Exception:  # a bug in the chain must not cost the user their command
            log.exception("LLM chain failed unexpectedly")
        finally:
            if self._in_flight.get(key) is future:
                del self._in_flight[key]
            future.set_result(result)  # waiters of a cancelled request hear "unavailable"
        return result

    async def _ask_llm(self, text: str, ctx: Context, lang: Lang) -> ChainResult[list[Action]] | ChainMiss:
        assert self._chain is not None
        messages = command_messages(text, ctx, lang)
        return await self._chain.attempt(
            messages,
            actions_from_json,
            self._format,
            temperature=self._temperature,
            max_tokens=COMMAND_MAX_TOKENS,
            token_estimate=estimate_messages_tokens(messages),
        )

    @staticmethod
    def _lang(text: str, default: Lang) -> Lang:
        try:
            return detect_lang(text, default)
        except Exception:
            log.exception("language detection failed")
            return default

    def _local(self, text: str, ctx: Context) -> Plan | None:
        if not self._use_local_rules:
            return None
        try:
            return parse_local(text, ctx)
        except Exception:
            log.exception("local rules failed on a %d-character message", len(text))
            return None

    async def aclose(self) -> None:
        if self._chain is not None and self._owns_chain:
            await self._chain.aclose()


def build_intent_parser(
    settings: Settings, chain: LLMChain | None = None, *, usage_store: UsageStore | None = None
) -> IntentParser:
    """The parser for `settings`. Pass a shared `chain` (then the caller closes it) or let it build its own.

    `usage_store` (the storage repository) keeps the day's LLM budgets across restarts.
    """
    owns = chain is None
    return IntentParser(
        build_chain(settings, usage_store) if chain is None else chain,
        temperature=settings.temperature_command,
        recommend_temperature=settings.temperature_recommend,
        owns_chain=owns,
        strict_schema=settings.llm_strict_command_schema,
        plan_cache=PlanCache(settings.plan_cache_size, settings.plan_cache_ttl_s),
    )
