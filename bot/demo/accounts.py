"""The accounts.spotify.com side of the fake: client registry, authorisation codes (with PKCE), token grants."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

AUTH_CODE_TTL_S = 600.0


class OAuthError(Exception):
    """A token-endpoint failure: answered as 400 {"error": code, "error_description": description}."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status


@dataclass(slots=True)
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]
    client_secret: str | None = None


@dataclass(slots=True)
class AuthCode:
    client_id: str
    redirect_uri: str
    user_id: str
    scope: str
    challenge: str | None
    challenge_method: str
    expires_at: float


@dataclass(slots=True)
class RefreshGrant:
    user_id: str
    client_id: str
    scope: str
    valid: bool = True


@dataclass(slots=True)
class AccessGrant:
    user_id: str
    scope: str | None  # None: every scope (tokens from add_user)
    expires_at: float
    client_id: str | None = None


@dataclass(slots=True)
class Decision:
    user_id: str | None
    deny: bool


def check_redirect_uri(uri: str) -> None:
    """Spotify accepts https redirect URIs, or http only on a loopback IP literal (never 'localhost')."""
    parts = urlsplit(uri)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1"):
        return
    raise ValueError(f"redirect URI not allowed by Spotify: {uri}")


def pkce_challenge(verifier: str, method: str = "S256") -> str:
    if method == "plain":
        return verifier
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(slots=True)
class Accounts:
    """Mutable OAuth state; the HTTP layer lives in spotify_server."""

    clients: dict[str, Client] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    refresh: dict[str, RefreshGrant] = field(default_factory=dict)
    access: dict[str, AccessGrant] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    # "auto": omit refresh_token on refresh for secret-authenticated clients, rotate for PKCE ones;
    # "always": always return a new one; "never": never return one.
    refresh_rotation: str = "auto"

    def new_access(self, grant: AccessGrant) -> str:
        token = "BQ" + secrets.token_urlsafe(40)
        self.access[token] = grant
        return token

    def new_refresh(self, grant: RefreshGrant) -> str:
        token = "AQ" + secrets.token_urlsafe(48)
        self.refresh[token] = grant
        return token

    def authenticate_client(self, client_id: str | None, secret: str | None) -> Client:
        client = self.clients.get(client_id or "")
        if client is None:
            raise OAuthError("invalid_client", "Invalid client")
        if secret is not None and client.client_secret is not None and secret != client.client_secret:
            raise OAuthError("invalid_client", "Invalid client secret")
        return client

    def redeem_code(
        self,
        code: str,
        client: Client,
        redirect_uri: str | None,
        verifier: str | None,
        secret_ok: bool,
        now: float,
    ) -> AuthCode:
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires_at < now:
            raise OAuthError("invalid_grant", "Invalid authorization code")
        if grant.client_id != client.client_id:
            raise OAuthError("invalid_grant", "Invalid authorization code")
        if redirect_uri != grant.redirect_uri:
            raise OAuthError("invalid_grant", "Invalid redirect URI")
        if grant.challenge is not None:
            if not verifier:
                raise OAuthError("invalid_request", "code_verifier required")
            if pkce_challenge(verifier, grant.challenge_method) != grant.challenge:
                raise OAuthError("invalid_grant", "code_verifier was incorrect")
        elif not secret_ok:
            raise OAuthError("invalid_client", "Invalid client secret")
        return grant
