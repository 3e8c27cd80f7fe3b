"""Who the provider's claims let in, and as what (plain functions, no provider needed)."""

from __future__ import annotations

from voice_app.models import Role, SsoProvider
from voice_app.sso.claims import dump_role_map, judge, role_map, split_list


def _provider(**fields) -> SsoProvider:
    values = dict(allowed_domains="council.example\n@Other.Example", role_claim="roles",
                  role_map=dump_role_map({Role.IRO: ["voice-app.iro"], Role.MANAGER: ["voice-app.manager"]}))
    values.update(fields)
    return SsoProvider(**values)


def test_entra_ids_sign_in_name_stands_in_for_a_missing_email():
    verdict = judge({"preferred_username": "Jo@Council.Example", "roles": ["voice-app.iro"], "name": "Jo"}, provider=_provider())
    assert (verdict.role, verdict.email, verdict.name, verdict.refusal) == (Role.IRO, "jo@council.example", "Jo", "")


def test_a_single_string_claim_and_a_domain_typed_with_an_at_sign_both_count():
    verdict = judge({"email": "sam@other.example", "roles": "voice-app.manager"}, provider=_provider())
    assert verdict.role == Role.MANAGER and verdict.name == "sam"


def test_refusals_say_why():
    provider = _provider()
    assert judge({"roles": ["voice-app.iro"]}, provider=provider).refusal == "no-email"
    assert judge({"email": "jo@council.example.evil", "roles": ["voice-app.iro"]}, provider=provider).refusal == "domain"
    assert judge({"email": "jo@council.example", "roles": ["voice-app.iro", "voice-app.manager"]}, provider=provider).refusal == "two-roles"
    assert judge({"email": "jo@council.example", "roles": []}, provider=provider).refusal == "no-role"
    assert judge({"email": "jo@council.example", "email_verified": False, "roles": ["voice-app.iro"]}, provider=provider).refusal == "email-unverified"


def test_every_role_has_a_place_in_the_map_even_when_nothing_is_stored_or_it_is_broken():
    assert set(role_map(_provider(role_map="not json"))) == set(Role)
    assert role_map(_provider(role_map="[]"))[Role.ADMIN] == []


def test_lists_are_split_on_lines_commas_and_spaces_without_repeats():
    assert split_list("a, b\nb;c  d\n\n") == ["a", "b", "c", "d"]
