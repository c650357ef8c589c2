"""`python -m bot parse`: one JSON line per utterance, in input order, offline or through the LLM chain."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from bot.cli.parse import run_parse
from tests.fakes.llm_fixtures import llm_server  # noqa: F401  (fixture)
from tests.fakes.llm_server import FakeLLMServer, answer
from tests.llm.helpers import settings_for


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_offline_reads_stdin_and_never_touches_the_network(llm_server: FakeLLMServer) -> None:  # noqa: F811
    out = io.StringIO()
    inp = io.StringIO("zorbly wibble\n\n   \nqué tal la tarde\n")
    status = await run_parse(settings_for(llm_server), None, True, out, inp)
    assert status == 0
    lines = _lines(out)
    assert [line["text"] for line in lines] == ["zorbly wibble", "qué tal la tarde"]
    for line in lines:
        assert set(line) == {"text", "lang", "source", "actions"}
        assert line["source"] in ("rules", "none")
    assert llm_server.requests == []


async def test_llm_lines_keep_input_order_under_concurrency(llm_server: FakeLLMServer) -> None:  # noqa: F811
    llm_server.jitter = 0.05  # answers finish out of order

    def echo_number(request: dict[str, Any]) -> str:
        text = json.loads(request["messages"][-1]["content"])["text"]
        number = int(re.search(r"\d+", text).group())  # type: ignore[union-attr]
        return json.dumps({"actions": [{"action": "skip", "count": number}]})

    llm_server.script(answer(echo_number), times=None)
    texts = [f"zorbly item {n} wibble" for n in range(1, 31)]
    out = io.StringIO()
    status = await run_parse(settings_for(llm_server, groq_rpm=1000), texts, False, out, io.StringIO())
    assert status == 0
    lines = _lines(out)
    assert [line["text"] for line in lines] == texts
    assert [line["actions"] for line in lines] == [[{"action": "skip", "count": n}] for n in range(1, 31)]
    assert all(line["source"] == "groq:openai/gpt-oss-20b" for line in lines)


async def test_unanswered_lines_print_empty_actions(llm_server: FakeLLMServer) -> None:  # noqa: F811
    out = io.StringIO()
    await run_parse(
        settings_for(llm_server, groq=False, openrouter=False), ["zorbly wibble"], False, out, io.StringIO()
    )
    [line] = _lines(out)
    assert line["actions"] == [] and line["source"] in ("none", "rules")


async def test_a_repeated_line_comes_from_the_plan_cache_and_the_hits_are_reported(
    llm_server: FakeLLMServer,  # noqa: F811
) -> None:
    fillers = [f"zorbly filler {n} wibble" for n in range(9)]  # more than the concurrency window
    texts = ["blorp the florp", *fillers, "Blorp  the florp!"]
    out, err = io.StringIO(), io.StringIO()
    await run_parse(settings_for(llm_server), texts, False, out, io.StringIO(), err)
    lines = _lines(out)
    assert lines[-1]["source"] == "cache:groq:openai/gpt-oss-20b"
    assert lines[-1]["actions"] == lines[0]["actions"]
    assert len(llm_server.requests) == len(texts) - 1
    assert err.getvalue().startswith("plan cache: 1 hits, 10 misses")
