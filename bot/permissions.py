"""Who may do what on the Discord surface. Pure functions: the cogs pass in what Discord told them."""

from __future__ import annotations

from collections.abc import Iterable


def can_control(dj_role_id: int | None, member_role_ids: Iterable[int], manage_guild: bool) -> bool:
    """Playback control: everyone when no DJ role is set, else the DJ role or Manage Server."""
    if dj_role_id is None or manage_guild:
        return True
    return dj_role_id in set(member_role_ids)


def can_configure(manage_guild: bool, administrator: bool = False) -> bool:
    """Guild settings (DJ role, language, controller, Spotify app) need Manage Server."""
    return manage_guild or administrator
