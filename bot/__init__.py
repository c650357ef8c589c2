"""A Discord bot that controls Spotify, in English and Spanish."""

__version__ = "0.1.0"
