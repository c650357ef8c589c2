"""`python -m bot parse [--offline] [TEXT ...]`: print the intent of each utterance as one JSON line.

Utterances come from the arguments, or from stdin one per line (blank lines are skipped). Output order is input
order. With an LLM key (and without --offline) lines are parsed concurrently, a bounded number at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.config import Settings
from bot.nlu.parser import IntentParser, build_intent_parser
from bot.nlu.plan import Context, Plan

log = logging.getLogger(__name__)

LLM_CONCURRENCY = 8


def _utterances(texts: list[str] | None, inp: TextIO) -> Iterator[str]:
    if texts:
        yield from texts
        return
    for line in inp:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def _line(text: str, plan: Plan) -> str:
    return json.dumps(plan.to_json_dict(text), ensure_ascii=False)


async def _parse_offline(parser: IntentParser, items: Iterable[str], ctx: Context, out: TextIO) -> int:
    count = 0
    for text in items:
        out.write(_line(text, await parser.parse_offline(text, ctx)) + "\n")
        count += 1
    return count


async def _parse_online(parser: IntentParser, items: Iterable[str], ctx: Context, out: TextIO) -> int:
    """A sliding window of LLM_CONCURRENCY tasks, written out in input order."""
    pending: deque[tuple[str, asyncio.Task[Plan]]] = deque()
    count = 0

    async def flush_one() -> None:
        nonlocal count
        text, task = pending.popleft()
        out.write(_line(text, await task) + "\n")
        count += 1

    for text in items:
        if len(pending) >= LLM_CONCURRENCY:
            await flush_one()
        pending.append((text, asyncio.ensure_future(parser.parse(text, ctx))))
    while pending:
        await flush_one()
    return count


async def run_parse(
    settings: Settings,
    texts: list[str] | None,
    offline: bool,
    out: TextIO,
    inp: TextIO,
    err: TextIO | None = None,
) -> int:
    """Exit status 0 after printing one JSON line per utterance (and, with an LLM, the plan-cache hits on `err`)."""
    ctx = Context(user_id=0, locale=settings.default_language)
    parser = IntentParser(None) if offline else build_intent_parser(settings)
    try:
        items = _utterances(texts, inp)
        if parser.uses_llm:
            count = await _parse_online(parser, items, ctx, out)
        else:
            count = await _parse_offline(parser, items, ctx, out)
        out.flush()
        log.info("parsed %d utterances (%s)", count, "LLM chain" if parser.uses_llm else "local rules")
        if parser.uses_llm:
            stats = parser.plan_cache.stats()
            print(
                f"plan cache: {stats['hits']} hits, {stats['misses']} misses (LLM lookups; hits cost no request)",
                file=err if err is not None else sys.stderr,
            )
        return 0
    finally:
        await parser.aclose()
