"""LLM budget: requests and tokens per 100 typical commands, and how long one free Groq model lasts a server.

The production parser (local rules, then the plan cache, then the chain through the real `groq` SDK) reads the
typical command mix against the loopback fake LLM, in process. Requests are counted as they reach the fake;
prompt tokens are the bot's own estimate of what was sent (plus the strict schema Groq adds to the prompt for
recommendations); completion tokens cannot be measured without the real model, so they are an assumption for
gpt-oss at reasoning effort "low" (stated in the figure). A command whose plan recommends also costs the
recommendation request it triggers.

One Groq model's 2026 free tier (30 requests/min, 8,000 tokens/min, 1,000 requests/day, 200,000 tokens/day)
then gives commands per minute and per day; for a server of N active users (each sending
COMMANDS_PER_USER_HOUR commands an hour for ACTIVE_HOURS_PER_DAY hours) it gives how many minutes of that traffic
the day's quota carries, and how many days.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from benchmarks.fakes import REPO_ROOT
from benchmarks.utterances import Utterance, typical_mix

FREE_TIER = {"rpm": 30, "tpm": 8_000, "rpd": 1_000, "tpd": 200_000}  # per Groq model (gpt-oss-20b/120b)
COMPLETION_TOKENS = {"command": 120, "recommend": 300}  # assumed: gpt-oss, reasoning "low", incl. reasoning
COMMANDS_PER_USER_HOUR = 20.0  # an active listener: a command every 3 minutes
ACTIVE_HOURS_PER_DAY = 3.0
SERVER_SIZES = (10, 25, 50, 100, 250)
GUILDS = 20  # the commands are spread over this many guilds (the plan cache is shared by all)


def _prompt_tokens(body: Any) -> tuple[str, int]:
    from bot.nlu.prompt import TRACKS_FORMAT, estimate_format_tokens, estimate_messages_tokens

    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list):
        return "command", 0
    tokens = estimate_messages_tokens([{k: str(v) for k, v in m.items()} for m in messages])
    users = [m for m in messages if m.get("role") == "user"]
    if users and '"request"' in str(users[0].get("content", "")):
        return "recommend", tokens + estimate_format_tokens(TRACKS_FORMAT)
    return "command", tokens


async def measure_llm_budget(commands: Sequence[Utterance], *, seed: int = 5) -> dict[str, Any]:
    """Run `commands` through the production parser; count what reaches the (fake) LLM."""
    from bot.config import Settings
    from bot.llm.recommender import LLMRecommender
    from bot.nlu.parser import build_intent_parser
    from bot.nlu.plan import Context
    from tests.fakes.llm_server import FakeLLMServer

    rng = random.Random(seed)
    async with FakeLLMServer(remaining_requests=10**9, remaining_tokens=10**12) as server:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            groq_api_key=SecretStr("gsk_benchmark_key"),
            groq_base_url=server.groq_base_url,
            groq_rpm=0,
            groq_tpm=0,
            groq_rpd=0,
            groq_tpd=0,
            llm_deadline_s=10.0,
            llm_request_timeout_s=10.0,
        )
        parser = build_intent_parser(settings)
        recommender = parser.recommender()
        assert isinstance(recommender, LLMRecommender)
        try:
            for item in commands:
                ctx = Context(user_id=rng.randrange(1, 500), guild_id=rng.randrange(GUILDS), locale=item.lang)  # type: ignore[arg-type]
                plan = await parser.parse(item.text, ctx)
                for action in plan.actions:
                    if action.action == "recommend":
                        await recommender.suggest_tracks(action.prompt, action.count or 5, plan.lang)
            cache = parser.plan_cache.stats()
        finally:
            await parser.aclose()
        sent = [_prompt_tokens(r.json) for r in server.requests]
    return budget_figures(len(commands), sent, cache)


def budget_figures(commands: int, sent: Sequence[tuple[str, int]], cache: dict[str, int]) -> dict[str, Any]:
    """Per-100 figures and what one free Groq model carries, from the requests sent."""
    per = 100.0 / commands if commands else 0.0
    prompt = sum(tokens for _, tokens in sent)
    completion = sum(COMPLETION_TOKENS[kind] for kind, _ in sent)
    kinds = {kind: sum(1 for k, _ in sent if k == kind) for kind in ("command", "recommend")}
    requests_100 = len(sent) * per
    tokens_100 = (prompt + completion) * per
    per_minute, minute_cap = _capacity(requests_100, tokens_100, FREE_TIER["rpm"], FREE_TIER["tpm"])
    per_day, day_cap = _capacity(requests_100, tokens_100, FREE_TIER["rpd"], FREE_TIER["tpd"])
    lookups = cache.get("hits", 0) + cache.get("misses", 0)
    servers = []
    for users in SERVER_SIZES:
        load_minute = users * COMMANDS_PER_USER_HOUR / 60.0
        load_day = load_minute * 60.0 * ACTIVE_HOURS_PER_DAY
        servers.append(
            {
                "active_users": users,
                "commands_per_minute": round(load_minute, 2),
                "commands_per_day": round(load_day),
                "minute_limits_hold": per_minute is None or load_minute <= per_minute,
                "minutes_of_traffic_per_day": round(per_day / load_minute, 1)
                if per_day is not None
                else None,
                "days_of_traffic": round(per_day / load_day, 2) if per_day is not None else None,
            }
        )
    return {
        "commands": commands,
        "per_100_commands": {
            "llm_requests": round(requests_100, 2),
            "command_requests": round(kinds["command"] * per, 2),
            "recommend_requests": round(kinds["recommend"] * per, 2),
            "prompt_tokens": round(prompt * per),
            "completion_tokens_assumed": round(completion * per),
            "tokens": round(tokens_100),
        },
        "plan_cache": {**cache, "hit_rate": round(cache.get("hits", 0) / lookups, 3) if lookups else 0.0},
        "assumed_completion_tokens": dict(COMPLETION_TOKENS),
        "groq_model_free_tier": dict(FREE_TIER),
        "one_model": {
            "commands_per_minute": _round(per_minute),
            "minute_limit": minute_cap,
            "commands_per_day": _round(per_day),
            "day_limit": day_cap,
        },
        "server_assumptions": {
            "commands_per_user_hour": COMMANDS_PER_USER_HOUR,
            "active_hours_per_day": ACTIVE_HOURS_PER_DAY,
        },
        "servers": servers,
    }


def _capacity(requests_100: float, tokens_100: float, requests: int, tokens: int) -> tuple[float | None, str]:
    """Commands a window allows under its request and token caps, and which cap binds (None: no LLM use)."""
    by_requests = requests / requests_100 * 100 if requests_100 else None
    by_tokens = tokens / tokens_100 * 100 if tokens_100 else None
    if by_requests is None or by_tokens is None:
        return None, "none"
    return (by_requests, "requests") if by_requests <= by_tokens else (by_tokens, "tokens")


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


CHAT_SETS = (
    "discord_heldout_en.jsonl",
    "discord_heldout_es.jsonl",
)  # tests/nlu/chat: Discord-style, held out


def chat_messages(root: Path) -> list[Utterance]:
    """The held-out Discord-style chat messages kept in the repository ([] when absent)."""
    out: list[Utterance] = []
    for name in CHAT_SETS:
        path = root / "tests" / "nlu" / "chat" / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if isinstance(row, dict) and isinstance(row.get("text"), str):
                out.append(Utterance(row["text"], "es" if row.get("lang") == "es" else "en", "chat"))
    return out


async def run(count: int) -> dict[str, Any]:
    """The typical mix, plus the same figures for the held-out Discord-style chat messages (when present)."""
    figure = await measure_llm_budget(typical_mix(count, seed=31))
    chat = await asyncio.to_thread(chat_messages, REPO_ROOT)
    if chat:
        figure["discord_chat_heldout"] = await measure_llm_budget(chat)
    return figure


def render_rows(figure: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows for the report table."""
    p = figure.get("per_100_commands", {})
    cache = figure.get("plan_cache", {})
    one = figure.get("one_model", {})
    rows = [
        (
            "LLM requests per 100 typical commands",
            f"{p.get('llm_requests')} ({p.get('recommend_requests')} recommend)",
        ),
        (
            "LLM tokens per 100 commands",
            f"{p.get('tokens')} ({p.get('prompt_tokens')} prompt + {p.get('completion_tokens_assumed')} completion, assumed)",
        ),
        (
            "plan cache hits",
            f"{cache.get('hits')} of {cache.get('hits', 0) + cache.get('misses', 0)} LLM lookups",
        ),
        (
            "one free Groq model carries",
            f"{one.get('commands_per_minute')} commands/min ({one.get('minute_limit')}), "
            f"{one.get('commands_per_day')} commands/day ({one.get('day_limit')})",
        ),
    ]
    chat = figure.get("discord_chat_heldout")
    if chat:
        cp, cone = chat.get("per_100_commands", {}), chat.get("one_model", {})
        rows.append(
            (
                f"held-out Discord chat ({chat.get('commands')} messages)",
                f"{cp.get('llm_requests')} requests and {cp.get('tokens')} tokens per 100; one model carries "
                f"{cone.get('commands_per_day')} messages/day",
            )
        )
    for server in figure.get("servers", []):
        rows.append(
            (
                f"server of {server['active_users']} active users",
                f"{server['commands_per_minute']} commands/min: quota lasts "
                f"{server['minutes_of_traffic_per_day']} min of traffic/day = {server['days_of_traffic']} days"
                + ("" if server["minute_limits_hold"] else " (over the per-minute limit)"),
            )
        )
    return rows


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(json.dumps(asyncio.run(run(count)), indent=2))
