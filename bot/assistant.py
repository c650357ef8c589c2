"""The one entry point every surface uses: text or actions + Context -> outcomes.

Cogs, the terminal chat and the benchmarks all call `Assistant`; nothing here knows about Discord.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Protocol

from bot.errors import NotAllowed, UserFacingError
from bot.nlu.actions import CONTROL_ACTIONS, Action
from bot.nlu.plan import Context, Lang, Plan
from bot.nlu.text import normalise_text
from bot.spotify.outcome import Outcome

log = logging.getLogger(__name__)


class IntentParser(Protocol):
    @property
    def uses_llm(self) -> bool: ...

    async def parse(self, text: str, ctx: Context) -> Plan: ...


class Session(Protocol):
    async def execute(self, action: Action, ctx: Context) -> Outcome: ...


class SessionProvider(Protocol):
    async def session_for(self, ctx: Context) -> Session:
        """The Spotify session that acts for `ctx`. Raises a UserFacingError (e.g. not linked)."""
        ...


@dataclass(slots=True)
class Response:
    """Everything one message produced: the plan and one outcome per action carried out."""

    plan: Plan
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def lang(self) -> Lang:
        return self.plan.lang

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.ok for o in self.outcomes)

    def messages(self) -> list[str]:
        return [o.message(self.lang) for o in self.outcomes]


class Assistant:
    """Parses free text, checks permissions in code, and runs each action on the right session."""

    def __init__(self, parser: IntentParser, sessions: SessionProvider) -> None:
        self._parser = parser
        self._sessions = sessions

    async def handle_text(self, text: str, ctx: Context) -> Response:
        cleaned = normalise_text(text)
        if not cleaned:
            plan = Plan(lang=ctx.locale)
            return Response(plan, [Outcome(action="none", ok=False, key="error.empty")])
        plan = await self._parser.parse(cleaned, ctx)
        if ctx.lang_locked and plan.lang != ctx.locale:
            plan = plan.model_copy(update={"lang": ctx.locale})
        if not plan.actions:
            # The parser says why when it is not "not understood" (no LLM configured, over quota, unavailable).
            key = plan.failure_key or (
                "error.not_understood" if self._parser.uses_llm else "error.not_understood_local"
            )
            outcome = Outcome(action="none", ok=False, key=key, params=dict(plan.failure_params))
            return Response(plan, [outcome])
        outcomes = await self.run_actions(plan.actions, replace(ctx, locale=plan.lang))
        return Response(plan, outcomes)

    async def run_actions(self, actions: list[Action], ctx: Context) -> list[Outcome]:
        """Run in order; stop at the first failure so one problem is reported once."""
        outcomes: list[Outcome] = []
        for action in actions:
            outcome = await self.run_action(action, ctx)
            outcomes.append(outcome)
            if not outcome.ok:
                break
        return outcomes

    async def run_action(self, action: Action, ctx: Context) -> Outcome:
        try:
            if action.action in CONTROL_ACTIONS and not ctx.can_control:
                raise NotAllowed()
            if action.action == "help":
                return Outcome(action="help", ok=True, key="help.text")
            if action.action == "reply":
                return Outcome(action="reply", ok=True, key="reply.text", params={"text": action.text})
            session = await self._sessions.session_for(ctx)
            return await session.execute(action, ctx)
        except UserFacingError as exc:
            log.info("action %s refused for %s: %s", action.action, ctx.session_key, exc.key)
            return Outcome.failed(action.action, exc)
        except Exception:
            log.exception("action %s failed for %s", action.action, ctx.session_key)
            return Outcome.failed(action.action, UserFacingError())
