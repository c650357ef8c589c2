from tests.fakes.spotify import fake_spotify, spotify_user  # noqa: F401
