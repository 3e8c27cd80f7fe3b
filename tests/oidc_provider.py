"""A real OpenID Connect provider on loopback for the tests, built from Authlib's own server components.

Authorization code grant with PKCE (required) and OpenID Connect ID tokens, refresh tokens, a userinfo endpoint
behind a bearer-token check, discovery and JWKS: the same exchanges Entra ID or Google have with voice-app.
Knobs let a test disable a person, change their groups, rotate the signing key, or make the ID tokens wrong.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http, but only on 127.0.0.1

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token  # noqa: E402
from authlib.oauth2 import OAuth2Error  # noqa: E402
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenValidator  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oidc.core import UserInfo  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode  # noqa: E402
from flask import Flask, abort, jsonify, request  # noqa: E402
from joserfc.jwk import KeySet, RSAKey  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

CLIENT_ID = "voice-app-tests"
CLIENT_SECRET = "a-client-secret-only-for-tests"


@dataclass
class Person:
    sub: str
    email: str
    name: str
    groups: list[str]
    active: bool = True
    email_verified: bool = True


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)
    id_token_signed_response_alg: str = "RS256"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return not self.redirect_uris or redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


@dataclass
class Token(TokenMixin):
    client_id: str
    user: str
    scope: str
    access_token: str
    refresh_token: str | None
    expires_in: int
    issued_at: float = field(default_factory=time.time)
    revoked: bool = False

    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked


class Provider:
    """The provider's state (people, codes, tokens, keys) and its knobs, served by a thread on 127.0.0.1."""

    def __init__(self) -> None:
        self.app = Flask("test_oidc_provider")
        self.app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.reset()
        self._build()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        """A fresh provider for each test: one client, no people, one key, honest tokens."""
        self.client = Client(CLIENT_ID, CLIENT_SECRET)
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: list[Token] = []
        self.keys = [RSAKey.generate_key(2048, auto_kid=True)]
        self.audience: str | None = None  # another audience for the ID token (a token meant for someone else)
        self.id_token_seconds = 3600  # negative: ID tokens that have already expired
        self.refresh_id_token = False  # also send an ID token when refreshing (as Entra ID does)
        self.discovery_issuer: str | None = None  # a discovery document naming another issuer

    def add(self, email: str, *, groups: list[str], name: str = "Pat Example", **kwargs) -> Person:
        person = Person(sub=secrets.token_hex(8), email=email, name=name, groups=groups, **kwargs)
        self.people[email] = person
        return person

    def rotate_key(self) -> None:
        """A new signing key replaces the old one, as providers do now and then."""
        self.keys = [RSAKey.generate_key(2048, auto_kid=True)]

    def stop(self) -> None:
        self.server.shutdown()

    # ----- Authlib's server -----------------------------------------------------------------------

    def _claims(self, person: Person) -> dict:
        return dict(sub=person.sub, name=person.name, email=person.email, email_verified=person.email_verified,
                    groups=list(person.groups), roles=list(person.groups))

    def _build(self) -> None:
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code, client_id=request.client.client_id, redirect_uri=request.payload.redirect_uri, scope=request.scope,
                    user=request.user.email, nonce=data.get("nonce"), code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"), auth_time=int(time.time()),
                )

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item and item.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                person = provider.people.get(authorization_code.user)
                return person if person and person.active else None

        class RefreshGrant(grants.RefreshTokenGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
            INCLUDE_NEW_REFRESH_TOKEN = True

            def authenticate_refresh_token(self, refresh_token):
                return next((t for t in provider.tokens if t.refresh_token == refresh_token and not t.revoked), None)

            def authenticate_user(self, credential):
                person = provider.people.get(credential.user)
                return person if person and person.active else None

            def revoke_old_credential(self, credential):
                credential.revoked = True

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client):
                return provider.keys[0]

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": provider.keys[0].kid}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [provider.audience or client.client_id], "exp": int(time.time()) + provider.id_token_seconds}

            def generate_user_info(self, user, scope):
                return UserInfo(provider._claims(user))

        def save_token(token, request):
            provider.tokens.append(Token(
                client_id=request.client.client_id, user=request.user.email, scope=token.get("scope", ""),
                access_token=token["access_token"], refresh_token=token.get("refresh_token"), expires_in=token["expires_in"],
            ))

        server = AuthorizationServer(self.app, query_client=lambda cid: provider.client if cid == provider.client.client_id else None, save_token=save_token)
        server.register_grant(CodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=True)])
        server.register_grant(RefreshGrant)
        id_token = IdToken()

        class Validator(BearerTokenValidator):
            def authenticate_token(self, token_string):
                return next((t for t in provider.tokens if t.access_token == token_string), None)

        protect = ResourceProtector()
        protect.register_token_validator(Validator())

        @self.app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify(
                issuer=provider.discovery_issuer or base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
                userinfo_endpoint=f"{base}/userinfo", jwks_uri=f"{base}/jwks", response_types_supported=["code"],
                subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"], grant_types_supported=["authorization_code", "refresh_token"],
                scopes_supported=["openid", "email", "profile", "offline_access"],
            )

        @self.app.get("/jwks")
        def jwks():
            return jsonify(KeySet(provider.keys).as_dict(private=False))

        @self.app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                return (
                    "<!doctype html><html lang='en'><head><title>Council sign-in</title></head><body><main>"
                    "<h1>Council sign-in</h1><form method='post'><label for='email'>Email</label>"
                    "<input id='email' name='email' type='email'><button type='submit'>Sign in</button></form></main></body></html>"
                )
            person = provider.people.get(request.form.get("email", ""))
            if person is None or not person.active:
                return "That account cannot sign in.", 403
            try:
                grant = server.get_consent_grant(end_user=person)
            except OAuth2Error as error:
                return f"Bad request: {error.error}", 400
            return server.create_authorization_response(grant_user=person, grant=grant)

        @self.app.post("/token")
        def token():
            response = server.create_token_response()
            if provider.refresh_id_token and request.form.get("grant_type") == "refresh_token" and response.status_code == 200:
                body = response.get_json()
                issued = next(t for t in provider.tokens if t.access_token == body["access_token"])
                claims = {**id_token.get_client_claims(provider.client), "iat": int(time.time()), **provider._claims(provider.people[issued.user])}
                from joserfc import jwt

                body["id_token"] = jwt.encode(id_token.get_encode_header(provider.client), claims, provider.keys[0])
                return jsonify(body)
            return response

        @self.app.get("/userinfo")
        @protect()
        def userinfo():
            person = provider.people.get(current_token.user)
            if person is None or not person.active:
                abort(401)
            return jsonify(provider._claims(person))
