"""Figure 1: the local (rules) parser, microseconds per utterance and the share it answers by itself."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from benchmarks.stats import Summary
from benchmarks.utterances import Utterance
from bot.nlu.plan import Context
from bot.nlu.rules import parse_local


def measure_local_parser(utterances: Sequence[Utterance], *, warmup: int = 500) -> dict[str, Any]:
    """Time `parse_local` on every utterance once (after a warm-up pass over the first `warmup`)."""
    contexts = {lang: Context(user_id=1, guild_id=1, channel_id=1, locale=lang) for lang in ("en", "es")}
    for u in utterances[:warmup]:
        parse_local(u.text, contexts.get(u.lang, contexts["en"]))
    timings_us: list[float] = []
    answered = 0
    answered_by_cat: dict[str, list[int]] = {}
    clock = time.perf_counter_ns
    for u in utterances:
        ctx = contexts.get(u.lang, contexts["en"])
        start = clock()
        plan = parse_local(u.text, ctx)
        elapsed = clock() - start
        timings_us.append(elapsed / 1000.0)
        hit = plan is not None and bool(plan.actions)
        answered += hit
        tally = answered_by_cat.setdefault(u.category, [0, 0])
        tally[0] += hit
        tally[1] += 1
    summary = Summary.of(timings_us)
    return {
        "utterances": len(utterances),
        "us": summary.as_dict(2),
        "answered_locally": answered / len(utterances) if utterances else 0.0,
        "answered_by_category": {cat: round(hit / total, 3) for cat, (hit, total) in answered_by_cat.items()},
    }
