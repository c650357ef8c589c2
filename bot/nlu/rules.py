"""Local English/Spanish command parser (placeholder until the real rules land)."""

from __future__ import annotations

from bot.nlu.plan import Context, Plan


def parse_local(text: str, ctx: Context | None = None) -> Plan | None:
    """A Plan with source "rules" when sure, else None (the LLM decides)."""
    return None
