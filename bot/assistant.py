"""The one entry point every surface uses: text or actions + Context -> outcomes.

Cogs, the terminal chat and the benchmarks all call `Assistant`; nothing here knows about Discord.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Protocol

from bot.errors import NotAllowed, UserFacingError
from bot.i18n import CATALOG, t
from bot.nlu.actions import (
    CONTROL_ACTIONS,
    Action,
    AddToPlaylist,
    CreatePlaylist,
    DjStart,
    DjStop,
    action_dump,
)
from bot.nlu.plan import Context, Lang, Plan
from bot.nlu.smalltalk import match_smalltalk
from bot.nlu.text import normalise_text
from bot.spotify.errors import PlaylistNotFound
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


class DjControl(Protocol):
    """DJ mode for a guild (bot.dj.service.DjService)."""

    async def start(self, ctx: Context, vibe: str) -> Outcome: ...

    async def stop(self, ctx: Context) -> Outcome: ...


class ActionsNotDone(UserFacingError):
    """Actions of a message that were not carried out because an earlier one failed."""

    key = "assistant.not_done"

    def __init__(self, actions: list[Action]) -> None:
        super().__init__()
        self.actions = actions

    def message(self, lang: str | None) -> str:
        names = [_action_name(a, lang) for a in self.actions]
        rest = ", ".join(names[:-1]) + t("list.and", lang) + names[-1] if len(names) > 1 else names[0]
        return t(self.key, lang, rest=rest)


def _action_name(action: Action, lang: str | None) -> str:
    """'change the volume', 'queue "get lucky"': what an action would have done, in a few words."""
    key = f"action.{action.action}"
    if key not in CATALOG:
        return action.action.replace("_", " ")
    params = {k: v for k, v in action_dump(action).items() if k != "action"}
    return t(key, lang, **params)


@dataclass(frozen=True, slots=True)
class Offer:
    """A follow-up the user can accept (a button in Discord, a yes in the terminal): actions to run then."""

    key: str
    params: dict[str, object]
    actions: tuple[Action, ...]

    def question(self, lang: str | None) -> str:
        return t(self.key, lang, **self.params)


def offer_for(actions: list[Action], outcomes: list[Outcome]) -> Offer | None:
    """'add this to my gym playlist' with no such playlist -> offer to create it and add the song."""
    failed_at = next((i for i, o in enumerate(outcomes) if not o.ok), None)
    if failed_at is None or not isinstance(outcomes[failed_at].error, PlaylistNotFound):
        return None
    failed = actions[failed_at]
    if not isinstance(failed, AddToPlaylist):
        return None
    name = failed.playlist
    return Offer(
        key="assistant.offer.create_playlist",
        params={"name": name},
        actions=(CreatePlaylist(name=name[:100]), failed),
    )


class ConversationLanguages:
    """The language each conversation (user in a channel) was last answered in; bounded, oldest dropped."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._langs: OrderedDict[tuple[int | None, int], Lang] = OrderedDict()

    @staticmethod
    def _key(ctx: Context) -> tuple[int | None, int]:
        return (ctx.channel_id, ctx.user_id)

    def get(self, ctx: Context) -> Lang | None:
        return self._langs.get(self._key(ctx))

    def remember(self, ctx: Context, lang: Lang) -> None:
        key = self._key(ctx)
        self._langs[key] = lang
        self._langs.move_to_end(key)
        while len(self._langs) > self._limit:
            self._langs.popitem(last=False)


@dataclass(slots=True)
class Response:
    """Everything one message produced: the plan, one outcome per action tried, and maybe an offer."""

    plan: Plan
    outcomes: list[Outcome] = field(default_factory=list)
    offer: Offer | None = None

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

    def __init__(self, parser: IntentParser, sessions: SessionProvider, dj: DjControl | None = None) -> None:
        self._parser = parser
        self._sessions = sessions
        self._dj = dj
        self._languages = ConversationLanguages()

    async def handle_text(self, text: str, ctx: Context) -> Response:
        """One message: small talk is answered in kind; anything else is parsed and carried out.

        A conversation keeps its language: a message that is not clearly English or Spanish ("ok", "jajaja")
        is answered in the language of the conversation so far (the parser breaks ties with `ctx.locale`).
        """
        ctx = self._in_conversation_language(ctx)
        cleaned = normalise_text(text)
        if not cleaned:
            plan = Plan(lang=ctx.locale)
            return Response(plan, [Outcome(action="none", ok=False, key="error.empty")])
        talk = match_smalltalk(cleaned)
        if talk is not None:
            lang = talk.lang if talk.lang is not None and not ctx.lang_locked else ctx.locale
            self._languages.remember(ctx, lang)
            plan = Plan(lang=lang, source="smalltalk")
            return Response(plan, [Outcome(action="smalltalk", ok=True, key=talk.key)])
        plan = await self._parser.parse(cleaned, ctx)
        if ctx.lang_locked and plan.lang != ctx.locale:
            plan = plan.model_copy(update={"lang": ctx.locale})
        self._languages.remember(ctx, plan.lang)
        if not plan.actions:
            # The parser says why when it is not "not understood" (no LLM configured, over quota, unavailable).
            key = plan.failure_key or (
                "error.not_understood" if self._parser.uses_llm else "error.not_understood_local"
            )
            outcome = Outcome(action="none", ok=False, key=key, params=dict(plan.failure_params))
            return Response(plan, [outcome])
        run_ctx = ctx if plan.lang == ctx.locale else replace(ctx, locale=plan.lang)  # frozen: shared as is
        outcomes = await self.run_actions(plan.actions, run_ctx)
        return Response(plan, outcomes, offer_for(plan.actions, outcomes))

    async def accept_offer(self, offer: Offer, ctx: Context) -> Response:
        """The user said yes to `offer`: run its actions for them."""
        ctx = self._in_conversation_language(ctx)
        plan = Plan(actions=list(offer.actions), lang=ctx.locale, source="offer")
        return Response(plan, await self.run_actions(list(offer.actions), ctx))

    def _in_conversation_language(self, ctx: Context) -> Context:
        if ctx.lang_locked:
            return ctx
        lang = self._languages.get(ctx)
        return ctx if lang is None or lang == ctx.locale else replace(ctx, locale=lang)

    async def run_actions(self, actions: list[Action], ctx: Context) -> list[Outcome]:
        """Run in order; stop at the first failure so one problem is reported once, and say what was not done."""
        outcomes: list[Outcome] = []
        for done, action in enumerate(actions, start=1):
            outcome = await self.run_action(action, ctx)
            outcomes.append(outcome)
            if not outcome.ok:
                rest = actions[done:]
                if rest:
                    outcomes.append(Outcome.failed("none", ActionsNotDone(rest)))
                break
        return outcomes

    async def _run_dj(self, action: DjStart | DjStop, ctx: Context) -> Outcome:
        if self._dj is None:  # a surface without DJ mode (e.g. the benchmarks' bare assistant)
            raise UserFacingError()
        if isinstance(action, DjStart):
            return await self._dj.start(ctx, action.vibe)
        return await self._dj.stop(ctx)

    async def run_action(self, action: Action, ctx: Context) -> Outcome:
        try:
            if action.action in CONTROL_ACTIONS and not ctx.can_control:
                raise NotAllowed()
            if action.action == "help":
                return Outcome(action="help", ok=True, key="help.text")
            if action.action == "reply":
                return Outcome(action="reply", ok=True, key="reply.text", params={"text": action.text})
            if isinstance(action, DjStart | DjStop):
                return await self._run_dj(action, ctx)
            session = await self._sessions.session_for(ctx)
            return await session.execute(action, ctx)
        except UserFacingError as exc:
            log.info("action %s refused for %s: %s", action.action, ctx.session_key, exc.key)
            return Outcome.failed(action.action, exc)
        except Exception:
            log.exception("action %s failed for %s", action.action, ctx.session_key)
            return Outcome.failed(action.action, UserFacingError())
