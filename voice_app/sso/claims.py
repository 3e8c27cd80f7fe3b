"""Who the provider's claims allow in, and as what: the email domain and the mapping of groups or app roles to roles."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from voice_app.models import Role, SsoProvider

# Why a sign-in through the provider was refused: a code for the audit trail and logs (no personal data),
# and the words the person sees.
REFUSALS = {
    "state": "That sign-in link had already been used or had expired. Start again.",
    "provider-error": "The council's sign-in did not complete. Start again.",
    "unreachable": "The council's sign-in could not be reached. Try again in a few minutes.",
    "token-invalid": "The council's sign-in sent an answer voice-app cannot trust. Start again, and tell your IT team if it happens again.",
    "token-expired": "The council's sign-in answer had expired. Start again.",
    "no-email": "Your council account has no email address that voice-app can use. Ask your IT team.",
    "email-unverified": "Your council account's email address is not verified. Ask your IT team.",
    "domain": "Your council account's email address is not one this service allows. Ask your manager.",
    "no-role": "Your council account is not in a group that gives access to voice-app. Ask your manager.",
    "two-roles": "Your council account is in groups for more than one voice-app role. Ask your IT team to leave only one.",
    "account-off": "Your voice-app account is switched off. Ask an admin.",
    "waiting": "An admin has been asked to let you in. Try again once they have.",
    "refused": "An admin has decided you should not have a voice-app account. Ask your manager.",
    "not-configured": "Signing in with the council's account is not set up. Sign in with your email address and password.",
    "wrong-person": "That was not the account of the person who handed the tablet over.",
    "not-fresh": "The council's sign-in did not ask for your password again. Try again.",
}

_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Verdict:
    """What the claims allow: a role, or a refusal code from REFUSALS."""

    role: Role | None
    refusal: str
    email: str
    name: str


def split_list(text: str) -> list[str]:
    """Values typed one per line or separated by commas, without blanks or repeats, in order."""
    seen: dict[str, None] = {}
    for part in _SPLIT.split(text or ""):
        if part:
            seen.setdefault(part, None)
    return list(seen)


def allowed_domains(provider: SsoProvider) -> set[str]:
    """The email domains the service accepts, lower case, without a leading @."""
    return {domain.lower().lstrip("@") for domain in split_list(provider.allowed_domains)}


def role_map(provider: SsoProvider) -> dict[Role, list[str]]:
    """Each voice-app role (every member of Role, so a new role appears by itself) and the claim values that give it."""
    try:
        stored = json.loads(provider.role_map or "{}")
    except ValueError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    return {role: [str(v) for v in stored.get(role.value, []) if str(v)] for role in Role}


def dump_role_map(mapping: Mapping[Role, list[str]]) -> str:
    """The stored form of a role map."""
    return json.dumps({role.value: values for role, values in mapping.items() if values}, sort_keys=True)


def claim_values(claims: Mapping, name: str) -> set[str]:
    """A claim's values as a set of strings (a list claim, or a single string)."""
    value = claims.get(name)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return set()


def email_of(claims: Mapping) -> str:
    """The person's email: `email`, else an email-shaped `preferred_username` (Entra ID's sign-in name)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return ""


def name_of(claims: Mapping, email: str) -> str:
    """A display name from the claims, else the part of the email before the @."""
    for name in ("name", "given_name"):
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    return email.split("@", 1)[0][:120]


def judge(claims: Mapping, *, provider: SsoProvider) -> Verdict:
    """Whether these claims let someone in, and with which role (refusing when two roles match: nothing is guessed)."""
    email = email_of(claims)
    name = name_of(claims, email)

    def refuse(code: str) -> Verdict:
        return Verdict(role=None, refusal=code, email=email, name=name)

    if not email:
        return refuse("no-email")
    if claims.get("email_verified") is False:
        return refuse("email-unverified")
    if email.rsplit("@", 1)[1] not in allowed_domains(provider):
        return refuse("domain")
    held = claim_values(claims, provider.role_claim)
    roles = [role for role, values in role_map(provider).items() if held & set(values)]
    if not roles:
        return refuse("no-role")
    if len(roles) > 1:
        return refuse("two-roles")
    return Verdict(role=roles[0], refusal="", email=email, name=name)
