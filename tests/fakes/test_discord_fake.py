"""The fake Discord's own rules, exercised with a plain HTTP client (what any client would meet)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.discord import FakeDiscord, rules
from tests.fakes.discord.world import Interaction


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


def command(fake: FakeDiscord, **kwargs: Any) -> Interaction:
    guild = fake.add_guild()
    user = fake.add_user("u")
    fake.add_member(guild, user)
    return fake.new_interaction(
        2, user, fake.general(guild), {"id": "1", "name": "help", "type": 1}, **kwargs
    )


async def call(fake: FakeDiscord, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, fake.api_base + path, json=body, headers={"Authorization": f"Bot {fake.token}"}
        ) as resp,
    ):
        return resp.status, (await resp.json() if resp.content_type == "application/json" else None)


MESSAGE = {"type": 4, "data": {"content": "hi"}}


async def test_one_initial_response_then_40060(fake: FakeDiscord) -> None:
    inter = command(fake)
    path = f"/interactions/{inter.id}/{inter.token}/callback"
    assert (await call(fake, "POST", path + "?with_response=true", MESSAGE))[0] == 200
    status, body = await call(fake, "POST", path, MESSAGE)
    assert (status, body["code"]) == (400, rules.ALREADY_ACKNOWLEDGED)


async def test_a_response_after_three_seconds_is_unknown_interaction(fake: FakeDiscord) -> None:
    inter = command(fake)
    fake.clock.advance(3.5)
    status, body = await call(fake, "POST", f"/interactions/{inter.id}/{inter.token}/callback", MESSAGE)
    assert (status, body["code"]) == (404, rules.UNKNOWN_INTERACTION)


async def test_followups_need_the_ack_and_die_with_the_token(fake: FakeDiscord) -> None:
    inter = command(fake)
    hook = f"/webhooks/{fake.world.application_id}/{inter.token}"
    status, body = await call(fake, "POST", hook + "?wait=true", {"content": "early"})
    assert (status, body["code"]) == (404, rules.UNKNOWN_WEBHOOK)
    await call(
        fake, "POST", f"/interactions/{inter.id}/{inter.token}/callback", {"type": 5, "data": {"flags": 64}}
    )
    status, body = await call(fake, "POST", hook + "?wait=true", {"content": "done"})
    assert status == 200 and body["flags"] & rules.EPHEMERAL  # the first followup replaces the "thinking"
    status, body = await call(fake, "GET", hook + "/messages/123")
    assert (status, body["code"]) == (404, rules.UNKNOWN_MESSAGE)
    fake.clock.advance(15 * 60 + 1)
    status, body = await call(fake, "PATCH", hook + "/messages/@original", {"content": "late"})
    assert (status, body["code"]) == (401, rules.INVALID_WEBHOOK_TOKEN)


async def test_channel_permissions(fake: FakeDiscord) -> None:
    guild = fake.add_guild()
    muted = fake.add_channel(guild, "muted", bot_deny=rules.SEND_MESSAGES)
    status, body = await call(fake, "POST", f"/channels/{muted.id}/messages", {"content": "x"})
    assert (status, body["code"]) == (403, rules.MISSING_PERMISSIONS)
    no_history = fake.add_channel(guild, "nohistory", bot_deny=rules.READ_MESSAGE_HISTORY)
    user = fake.add_user("w")
    said = await fake.send_user_message(user, no_history, "hello")
    reply = {"content": "x", "message_reference": {"message_id": str(said.id)}}
    status, body = await call(fake, "POST", f"/channels/{no_history.id}/messages", reply)
    assert (status, body["code"]) == (403, rules.REPLY_NEEDS_HISTORY)
    said.deleted = True
    status, body = await call(fake, "POST", f"/channels/{fake.general(guild).id}/messages", reply)
    assert (status, body["code"]) == (400, rules.INVALID_FORM_BODY)


async def test_wrong_token_is_401(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.get(fake.api_base + "/users/@me") as resp:
        assert resp.status == 401


def test_limits_the_fake_checks_on_every_body() -> None:
    """Bodies the bot must never send (checked here without sending them, so the wire audit stays clean)."""
    long_url = {"type": 2, "style": 5, "label": "Link", "url": "https://x.example/" + "a" * 500}
    cases = [
        {"content": "x" * 2001},
        {"embeds": [{"description": "x" * 4000}, {"description": "y" * 2001}]},
        {"components": [{"type": 1, "components": [long_url]}]},
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 3,
                            "custom_id": "s",
                            "options": [{"label": "a", "value": "v"}, {"label": "b", "value": "v"}],
                        }
                    ],
                }
            ]
        },
        {"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": []}]}]},
        {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "c" * 101}]}]},
        {},
    ]
    for body in cases:
        with pytest.raises(rules.DiscordError) as caught:
            rules.check_message(body)
        assert caught.value.code in (rules.INVALID_FORM_BODY, rules.CANNOT_SEND_EMPTY)
    with pytest.raises(rules.DiscordError):
        rules.check_choices([{"name": str(i), "value": str(i)} for i in range(26)])
    rules.check_message(
        {"content": "fine", "components": [{"type": 1, "components": [dict(long_url, url="https://x")]}]}
    )


async def test_a_user_install_in_a_server_without_the_bot_gets_five_followups(fake: FakeDiscord) -> None:
    guild = fake.add_guild("partial", bot_installed=False)
    user = fake.add_user("u")
    inter = fake.new_interaction(
        2, user, fake.general(guild), {"id": "1", "name": "help", "type": 1}, user_installed=True
    )
    assert "guild" in inter.payload and inter.payload["authorizing_integration_owners"] == {"1": str(user.id)}
    await call(fake, "POST", f"/interactions/{inter.id}/{inter.token}/callback", MESSAGE)
    hook = f"/webhooks/{fake.world.application_id}/{inter.token}?wait=true"
    for _ in range(rules.USER_APP_FOLLOWUP_LIMIT):
        assert (await call(fake, "POST", hook, {"content": "more"}))[0] == 200
    status, body = await call(fake, "POST", hook, {"content": "one too many"})
    assert (status, body["code"]) == (400, rules.MAX_FOLLOWUPS)
    status, body = await call(fake, "POST", f"/channels/{fake.general(guild).id}/messages", {"content": "x"})
    assert (status, body["code"]) == (403, rules.MISSING_ACCESS)


async def test_the_gateway_refuses_privileged_intents_not_granted(fake: FakeDiscord) -> None:
    import json
    import zlib

    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(fake.gateway_url + "?v=10&encoding=json&compress=zlib-stream") as ws,
    ):
        inflate = zlib.decompressobj()
        hello = json.loads(inflate.decompress((await ws.receive()).data))
        assert hello["op"] == 10
        await ws.send_json(
            {"op": 2, "d": {"token": fake.token, "intents": rules.INTENT_MESSAGE_CONTENT, "properties": {}}}
        )
        closing = await ws.receive()
        assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4014
