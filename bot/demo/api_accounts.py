"""The fake's accounts.spotify.com (authorize, token) and its OAuth controls, plus GET /me."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlencode

from aiohttp import web

from bot.demo.accounts import (
    AUTH_CODE_TTL_S,
    AccessGrant,
    AuthCode,
    Client,
    Decision,
    OAuthError,
    RefreshGrant,
    check_redirect_uri,
)
from bot.demo.catalog import spotify_id
from bot.demo.render import Json
from bot.demo.server_core import (
    FakeCore,
    Route,
)


class AccountsApi(FakeCore):
    """OAuth: clients, approvals, codes, access and refresh tokens; the profile."""

    def _accounts_routes(self) -> list[Route]:
        return [
            ("GET", "/authorize", self._authorize),
            ("POST", "/api/token", self._token),
            ("GET", "/v1/me", self._me),
        ]

    # ------------------------------------------------------------------------------------------------
    # OAuth control
    # ------------------------------------------------------------------------------------------------
    def register_client(
        self, client_id: str, redirect_uris: list[str] | tuple[str, ...], client_secret: str | None = None
    ) -> None:
        for uri in redirect_uris:
            check_redirect_uri(uri)
        self.accounts.clients[client_id] = Client(client_id, tuple(redirect_uris), client_secret)

    def queue_authorization(self, user_id: str | None = None, *, deny: bool = False) -> None:
        """Decide the next /authorize: approve as `user_id` (created if new) or deny (error=access_denied)."""
        self.accounts.decisions.append(Decision(user_id, deny))

    def invalidate_refresh_token(self, token: str | None = None, *, user_id: str | None = None) -> None:
        """Revoke one refresh token, every token of a user, or (no arguments) all of them."""
        for rt, grant in self.accounts.refresh.items():
            if (token is None or rt == token) and (user_id is None or grant.user_id == user_id):
                grant.valid = False

    # ------------------------------------------------------------------------------------------------
    # accounts.spotify.com
    # ------------------------------------------------------------------------------------------------
    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        client = self.accounts.clients.get(q.get("client_id", ""))
        if client is None:
            return web.Response(status=400, text="INVALID_CLIENT: Invalid client")
        redirect_uri = q.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return web.Response(status=400, text="INVALID_CLIENT: Invalid redirect URI")
        state = q.get("state")

        def back(params: dict[str, str]) -> web.StreamResponse:
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            raise web.HTTPFound(redirect_uri + sep + urlencode(params))

        if q.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        method = q.get("code_challenge_method", "S256" if q.get("code_challenge") else "")
        if q.get("code_challenge") and method not in ("S256", "plain"):
            return back({"error": "invalid_request", "error_description": "code_challenge_method"})
        decision = self.accounts.decisions.pop(0) if self.accounts.decisions else Decision(None, False)
        if decision.deny:
            return back({"error": "access_denied"})
        user_id = decision.user_id or next(iter(self.users), None) or "demo_user"
        if user_id not in self.users:
            self.add_user(user_id)
        code = "AQ" + secrets.token_urlsafe(64)
        self.accounts.codes[code] = AuthCode(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            user_id=user_id,
            scope=q.get("scope", ""),
            challenge=q.get("code_challenge"),
            challenge_method=method or "S256",
            expires_at=self.now() + AUTH_CODE_TTL_S,
        )
        return back({"code": code})

    async def _token(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(await self._token_grant(request))
        except OAuthError as e:
            return web.json_response({"error": e.code, "error_description": e.description}, status=e.status)

    async def _token_grant(self, request: web.Request) -> Json:
        form = await request.post()
        client_id = str(form.get("client_id", "")) or None
        secret = str(form["client_secret"]) if "client_secret" in form else None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                raise OAuthError("invalid_client", "Invalid client") from None
            client_id, secret = cid, sec
        client = self.accounts.authenticate_client(client_id, secret)
        secret_ok = secret is not None and client.client_secret is not None
        grant_type = str(form.get("grant_type", ""))
        if grant_type == "authorization_code":
            code = self.accounts.redeem_code(
                str(form.get("code", "")),
                client,
                str(form["redirect_uri"]) if "redirect_uri" in form else None,
                str(form["code_verifier"]) if "code_verifier" in form else None,
                secret_ok,
                self.now(),
            )
            refresh = self.accounts.new_refresh(RefreshGrant(code.user_id, client.client_id, code.scope))
            access = self.accounts.new_access(
                AccessGrant(code.user_id, code.scope, self.now() + self.token_ttl_s, client.client_id)
            )
            return {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.token_ttl_s,
                "refresh_token": refresh,
                "scope": code.scope,
            }
        if grant_type == "refresh_token":
            rt = str(form.get("refresh_token", ""))
            old = self.accounts.refresh.get(rt)
            if old is None or old.client_id != client.client_id:
                raise OAuthError("invalid_grant", "Invalid refresh token")
            if not old.valid:
                raise OAuthError("invalid_grant", "Refresh token revoked")
            access = self.accounts.new_access(
                AccessGrant(old.user_id, old.scope, self.now() + self.token_ttl_s, client.client_id)
            )
            out: Json = {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.token_ttl_s,
                "scope": old.scope,
            }
            rotation = self.accounts.refresh_rotation
            if rotation == "always" or (rotation == "auto" and not secret_ok):
                out["refresh_token"] = self.accounts.new_refresh(
                    RefreshGrant(old.user_id, old.client_id, old.scope)
                )
            return out
        if not grant_type:
            raise OAuthError("unsupported_grant_type", "grant_type parameter is missing")
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type} is not supported")

    # ------------------------------------------------------------------------------------------------
    # profile and search
    # ------------------------------------------------------------------------------------------------
    async def _me(self, request: web.Request) -> web.Response:
        user = self._user(request)
        out: Json = {
            "account_id": spotify_id("account", user.user_id)[:10],
            "display_name": user.display_name,
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user.user_id}"},
            "href": f"{self.api_base}users/{user.user_id}",
            "id": user.user_id,
            "images": [],
            "type": "user",
            "uri": f"spotify:user:{user.user_id}",
        }
        if self.include_deprecated:
            out.update(
                country="ES",
                email=f"{user.user_id}@example.com",
                product="premium" if user.premium else "free",
                followers={"href": None, "total": 0},
                explicit_content={"filter_enabled": False, "filter_locked": False},
            )
        return web.json_response(out)
