"""The fake LLM and Spotify servers in their own process, driven over stdin/stdout with JSON lines.

Run by `benchmarks.fakes.FakesProcess`; not meant to be started by hand. Keeping the fakes out of the measured
process means their CPU time and memory are not counted as the bot's, like the real services.

Protocol: argv[1] is a JSON config; the first stdout line is `{"ready": ...urls...}`; then each stdin line is a
command `{"op": ...}` answered by exactly one stdout line.
Every request a fake serves is recorded with `fake_s`, the time the fake spent on it (its sleep plus its own
handling), so the harness can subtract exactly what the fakes cost from what the bot took.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from bot.llm.providers import OutputFormat
from bot.nlu.actions import action_dump
from bot.nlu.plan import Context
from bot.nlu.prompt import estimate_format_tokens, estimate_messages_tokens
from bot.nlu.rules import parse_local
from tests.fakes import llm_server as fake_llm


def _llm_record(served: fake_llm.Recorded) -> dict[str, Any]:
    body = served.json
    messages = body.get("messages") if isinstance(body, dict) else None
    tokens = schema_tokens = 0
    kind = "other"
    if isinstance(messages, list) and all(isinstance(m, dict) for m in messages):
        tokens = estimate_messages_tokens([{k: str(v) for k, v in m.items()} for m in messages])
        users = [m for m in messages if m.get("role") == "user"]
        kind = "recommend" if users and '"request"' in str(users[0].get("content", "")) else "command"
    fmt = body.get("response_format") if isinstance(body, dict) else None
    if isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict):
        schema = fmt["json_schema"].get("schema")
        if isinstance(schema, dict):
            schema_tokens = estimate_format_tokens(OutputFormat("schema", schema))
    return {
        "provider": served.provider,
        "model": served.model,
        "status": served.status,
        "fake_s": served.fake_s or 0.0,
        "start": served.at,
        "end": served.at + (served.fake_s or 0.0),
        "kind": kind,
        "prompt_tokens": tokens,
        "schema_tokens": schema_tokens,
        "at": served.at,
    }


def _user_payload(request: dict[str, Any]) -> dict[str, Any]:
    """The JSON object the bot puts in its (first) user message, or {}."""
    for message in request.get("messages") or []:
        if isinstance(message, dict) and message.get("role") == "user":
            try:
                data = json.loads(str(message.get("content", "")))
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def rules_like_answer(request: dict[str, Any]) -> str:
    """The fake model understands commands exactly as well as the local rules (a fair naive-design baseline)."""
    payload = _user_payload(request)
    text = payload.get("text")
    if "request" not in payload and isinstance(text, str):
        ctx = Context(user_id=0, locale="es" if payload.get("lang") == "Spanish" else "en")
        plan = parse_local(text, ctx)
        if plan is not None and plan.actions:
            return json.dumps({"actions": [action_dump(a) for a in plan.actions]})
    return fake_llm.default_answer(request)


_STEPS = {
    "server_error": lambda cmd: fake_llm.server_error(int(cmd.get("status", 503))),
    "rate_limited": lambda cmd: fake_llm.rate_limited(cmd.get("retry_after", 1)),
}


class Host:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.llm = fake_llm.FakeLLMServer(
            latency={"groq": config["groq_latency_s"], "openrouter": config["openrouter_latency_s"]},
            jitter=config["llm_jitter_s"],
            seed=config["seed"],
            remaining_requests=10_000_000,
            remaining_tokens=10_000_000_000,
        )
        self.spotify: Any = None
        self._answer_like_rules()

    def _answer_like_rules(self) -> None:
        """Unscripted requests get `rules_like_answer`; scripted faults are queued before it."""
        self.llm.script(fake_llm.answer(rules_like_answer), times=None)

    async def start(self) -> dict[str, Any]:
        await self.llm.start()
        ready: dict[str, Any] = {
            "ready": True,
            "groq_base_url": self.llm.groq_base_url,
            "openrouter_base_url": self.llm.openrouter_base_url,
        }
        from benchmarks.spotify_timing import start_timed_spotify

        self.spotify = await start_timed_spotify(
            latency_s=self.config["spotify_latency_s"],
            sigma=self.config["spotify_sigma"],
            seed=self.config["seed"],
        )
        ready["spotify_api_base"] = self.spotify.api_base
        ready["spotify_accounts_base"] = self.spotify.accounts_base
        return ready

    async def handle(self, cmd: dict[str, Any]) -> dict[str, Any]:
        op = cmd.get("op")
        if op == "add_users":
            tokens = {str(uid): self.spotify.add_user(int(uid)) for uid in cmd["ids"]}
            return {"tokens": tokens}
        if op == "drain":
            served = [r for r in self.llm.requests if r.fake_s is not None]
            self.llm.requests = [r for r in self.llm.requests if r.fake_s is None]  # still being served
            llm = [_llm_record(r) for r in served]
            spotify = self.spotify.drain() if self.spotify is not None else []
            return {"llm": llm, "spotify": spotify}
        if op == "script":
            step = _STEPS[cmd["kind"]](cmd)
            self.llm.clear_script()
            self.llm.script(step, provider=cmd.get("provider"), times=cmd.get("times"))
            self._answer_like_rules()
            return {"ok": True}
        if op == "clear_script":
            self.llm.clear_script()
            self._answer_like_rules()
            return {"ok": True}
        if op == "stop":
            return {"ok": True}
        return {"error": f"unknown op {op!r}"}

    async def stop(self) -> None:
        await self.llm.close()
        if self.spotify is not None:
            await self.spotify.stop()


async def _main(config: dict[str, Any]) -> None:
    host = Host(config)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        _send(await host.start())
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = json.loads(line)
            _send(await host.handle(cmd))
            if cmd.get("op") == "stop":
                break
    finally:
        await host.stop()


def _send(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(_main(json.loads(sys.argv[1])))
