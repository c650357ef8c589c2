"""DJ mode: keeps a guild's queue going with songs that match a vibe and what has been playing."""
