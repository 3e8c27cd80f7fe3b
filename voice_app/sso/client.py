"""The council's provider through Authlib's Flask client: discovery, PKCE, state, nonce, token checks and key rotation
are all the library's; this module only builds the client from the admin's settings and names what went wrong."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import ExpiredTokenError, JoseError

from voice_app.models import SsoProvider

T = TypeVar("T")
TIMEOUT_SECONDS = 10  # a provider that does not answer must not hold a request thread for long
LEEWAY_SECONDS = 120  # clock difference allowed between voice-app and the provider


class ProviderRefused(Exception):
    """A sign-in or a re-check that did not succeed; `code` is a key of claims.REFUSALS (safe to log)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def install_oauth(app: Flask) -> None:
    """One Authlib registry per app; clients are registered lazily from the settings in the database."""
    OAuth(app)


def discovery_url(issuer: str) -> str:
    """Where an issuer publishes its OpenID Connect discovery document."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def client_for(provider: SsoProvider):
    """The Authlib client for these settings, built once per version of them (so its cached discovery and keys survive)."""
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    settings = "\n".join((provider.issuer, provider.client_id, provider.client_secret, provider.scopes))
    name = f"council_v{provider.version}_{hashlib.sha256(settings.encode()).hexdigest()[:16]}"
    return oauth.create_client(name) or oauth.register(
        name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=discovery_url(provider.issuer),
        client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )


def checked_metadata(client, provider: SsoProvider) -> dict[str, Any]:
    """The discovery document, refused unless it names the issuer the admin configured (OpenID Connect Discovery 4.3)."""
    metadata = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderRefused("token-invalid")
    return metadata


def talking_to_provider(action: Callable[[], T]) -> T:
    """Run one exchange with the provider, turning the library's many errors into one ProviderRefused code."""
    try:
        return action()
    except ProviderRefused:
        raise
    except MismatchingStateError as exc:
        raise ProviderRefused("state") from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise ProviderRefused("unreachable") from exc
    except ExpiredTokenError as exc:
        raise ProviderRefused("token-expired") from exc
    except JoseError as exc:
        raise ProviderRefused("token-invalid") from exc
    except (AuthlibBaseError, requests.RequestException, KeyError, ValueError) as exc:
        raise ProviderRefused("provider-error") from exc
