"""Builds every service once, at start-up, from Settings. Surfaces (Discord, terminal) receive `Services`."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.assistant import Assistant
from bot.config import Settings

if TYPE_CHECKING:
    from bot.demo.spotify_server import FakeSpotify
    from bot.dj.service import DjService
    from bot.http_pool import HttpPool
    from bot.llm.chain import LLMChain
    from bot.llm.protocols import TrackSuggester
    from bot.nlu.parser import IntentParser
    from bot.spotify.manager import SessionManager
    from bot.spotify.oauth import LinkService
    from bot.storage.repository import Repository

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    """Everything a surface needs, built once and closed once."""

    settings: Settings
    repo: Repository
    links: LinkService | None
    sessions: SessionManager
    assistant: Assistant
    parser: IntentParser
    recommender: TrackSuggester | None
    demo: FakeSpotify | None = None
    chain: LLMChain | None = None  # shared by the parser and the recommender; closed here
    http: HttpPool | None = None  # the process's one aiohttp session (Spotify and both LLM SDKs)
    dj: DjService | None = None

    async def aclose(self) -> None:
        """Close in reverse order of creation; one failure does not stop the rest."""
        closers = [
            ("dj", self.dj.aclose if self.dj is not None else None),
            ("sessions", self.sessions.aclose),
            ("parser", self.parser.aclose),
            ("llm", self.chain.aclose if self.chain is not None else None),
            ("links", self.links.aclose if self.links is not None else None),
            ("repo", self.repo.close),
            ("demo", self.demo.stop if self.demo is not None else None),
            ("http", self.http.aclose if self.http is not None else None),
        ]
        for name, closer in closers:
            if closer is None:
                continue
            try:
                await closer()
            except Exception:
                log.exception("closing %s failed", name)


YOUNG_GC_THRESHOLD = 7000  # allocations between young collections: ten times CPython's default of 700


def settle_heap() -> None:
    """Once start-up is done: collect, then move every object alive now to the collector's permanent generation,
    and collect the young generation ten times less often.

    What start-up builds (modules, the grammar, catalogs, SDK clients and their schemas: ~130k objects) lives as
    long as the process. Frozen (`gc.freeze`), the full collections stop re-scanning it: in the benchmark's
    200 × 5 burst each full pass cost ~0.1 s of CPU, ~0.02 s once frozen. A command allocates a few hundred
    container objects, nearly all freed by reference counting within the command; at the default threshold
    (700) the young collections ran ~60 times per burst and promoted whatever was in flight at that moment, so
    the collector took ~0.1 s of the burst's ~1.3 s; at 7000, ~0.04 s. Nothing is kept alive that was not alive
    already; cyclic garbage waits a few thousand allocations longer.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, old)


async def build_services(
    settings: Settings,
    *,
    api_base: str | None = None,
    accounts_base: str | None = None,
    demo: FakeSpotify | None = None,
    demo_token: str | None = None,
) -> Services:
    """Open storage, build the intent parser, the link service and the session manager.

    With `demo` (a running FakeSpotify) and `demo_token`, every session acts on the demo player's user.
    """
    from bot.dj.service import DjService
    from bot.http_pool import HttpPool
    from bot.llm.chain import build_chain
    from bot.nlu.parser import build_intent_parser
    from bot.recommend.personal import PersonalRecommender
    from bot.recommend.taste import TasteService
    from bot.spotify.manager import SessionManager
    from bot.spotify.oauth import LinkService
    from bot.spotify.tokens import StaticTokenProvider, TokenProvider
    from bot.storage.factory import open_repository

    if demo is not None:
        api_base = api_base or demo.api_base
        accounts_base = accounts_base or demo.accounts_base
    repo = await open_repository(settings)
    http = HttpPool()  # one aiohttp session for every outgoing API request of the process
    chain = build_chain(settings, repo, http=http)  # the repository keeps the day's LLM budgets
    parser = build_intent_parser(settings, chain=chain)
    recommender = parser.recommender()
    links = LinkService(repo, settings, accounts_base=accounts_base, api_base=api_base)
    tokens: TokenProvider = StaticTokenProvider(demo_token) if demo_token is not None else links

    async def scopes_of(user_id: int) -> list[str] | None:
        account = await repo.get_account(user_id)
        return account.scopes if account is not None else None

    taste = TasteService(scopes_of=scopes_of)
    personal = PersonalRecommender(suggester=recommender, taste=taste)
    sessions = SessionManager(
        repo=repo,
        tokens=tokens,
        settings=settings,
        suggester=recommender,
        personal=personal,
        api_base=api_base,
        http=http,
    )
    taste.bind(sessions.api_for_user)
    dj = DjService(repo=repo, sessions=sessions, suggester=recommender)
    assistant = Assistant(parser, sessions, dj=dj)
    return Services(
        settings=settings,
        repo=repo,
        links=links,
        sessions=sessions,
        assistant=assistant,
        parser=parser,
        recommender=recommender,
        demo=demo,
        chain=chain,
        http=http,
        dj=dj,
    )
