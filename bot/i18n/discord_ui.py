"""Strings for the Discord surface: command descriptions, panel labels (owned by cogs)."""

MESSAGES: dict[str, dict[str, str]] = {}
