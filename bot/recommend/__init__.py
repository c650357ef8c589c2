"""Personal recommendations and DJ suggestions: the listener's taste profile, prompts, and the no-LLM fallback.

Nothing here imports discord; Spotify is reached through `bot.spotify.client.SpotifyApi` and the `Resolver`.
"""
