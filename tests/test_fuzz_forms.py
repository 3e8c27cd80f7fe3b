"""A bounded, property-based fuzz of every form: whatever is sent, the answer is never a 500 (issue 16)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.attack_support import RULES
from tests.test_access import POST_ROUTES

pytest_plugins = ["tests.statement_fixtures", "tests.attack_support"]

EXAMPLES_PER_FORM = 16

# Every field name the app's forms use, so the fuzz reaches the validators and services, not just "unknown field".
FIELD_NAMES = [
    "email", "password", "current", "new", "confirm", "display_name", "role", "preferred_name", "case_reference",
    "date_of_birth", "age_years", "preferred_language", "communication_needs", "iro_id", "cared_for", "cared_for_since",
    "on_cp_plan", "cp_plan_since", "kind", "stage", "scheduled_for", "planned_for", "method", "outcome", "held_on",
    "declined_reason", "format_used", "chaired_by", "iro_notes", "r-feel-today-we_did", "reason_for_child",
    "version", "language", "parts", "scribing", "pin", "forget_pin", "secret", "choice", "special", "scale", "text",
    "skip", "mode", "sharing", "answer", "comment", "name", "submission_key", "max_responses", "q1", "q2", "q3", "q4", "q5",
    "code", "rule",
    "profession", "organisation",
    "respondent_kind", "agency", "action", "question_id", "default_key", "short", "you_said", "we_did", "change_id",
]
TRICKY = [
    "", "0", "-1", "9" * 30, "1e309", "NaN", "2025-02-30", "99999-12-31", "0001-01-01", "2025-13-01", "y", "on",
    "agree", "declined", "done", "younger", "en-GB", "ar", "views,menu", "happy", "\x00", "\ud7ff\ufffe", "\u202e",
    "<script>", "%s%n", "x" * 5000,
]
# A valid form for the routes that store text, so that a fuzzed field or two reach the database, not just a validator.
VALID = {
    "staff.edit_child": {"preferred_name": "Aisha", "case_reference": "LL-1", "preferred_language": "en-GB", "iro_id": "{iro_id}", "cared_for": "y"},
    "staff.new_child": {"preferred_name": "Ben", "case_reference": "LL-2", "preferred_language": "en-GB", "iro_id": "{iro_id}", "cared_for": "y"},
    "admin.new_staff": {"display_name": "New Person", "email": "new@example.org", "role": "iro", "password": "long enough password", "confirm": "long enough password"},
    "staff.record_visit": {"outcome": "declined", "declined_reason": "Busy"},
    "statements.notes": {"iro_notes": "Notes"},
    "statements.response": {"r-feel-today-we_did": "We did it"},
    "statements.decision": {"outcome": "not_possible", "reason_for_child": "Because"},
    "statements.observations": {"topic": "school", "what": "Pushed the photo away", "place": "At home", "certainty": "sure", "helpers": "teacher", "helper_names": "Ms Khan"},
    "child.answer": {"choice": "happy"},
    "mfa.policy": {"rule": "optional"},
    # Switched off, so saving never reaches out to a provider.
    "sso_admin.settings": {"display_name": "Council", "issuer": "https://login.example.org/tenant/v2.0", "client_id": "abc", "scopes": "openid email",
                           "allowed_domains": "example.org", "role_claim": "roles", "unknown_staff": "approve", "check_minutes": "15"},
    "practitioners.invitations": {"name": "Sam Worker", "email": "sam@example.org", "profession": "social_worker", "organisation": "Team"},
    "practitioners.join": {"new": "a long enough password", "confirm": "a long enough password"},
    "feedback.local_questions": {"action": "add", "text": "The meeting started on time."},
    "feedback.changes": {"you_said": "The venue was hard to reach.", "we_did": "We moved it."},
}
values = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.text(st.characters(max_codepoint=0x9F), min_size=1, max_size=20),  # heavy in control characters, NUL included
)
forms = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(values, st.lists(values, max_size=3)), max_size=12)



@pytest.mark.parametrize("endpoint", POST_ROUTES)
@settings(max_examples=EXAMPLES_PER_FORM, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_form_answers_500_whatever_it_is_sent(attack_world, endpoint, data):
    if endpoint in VALID and data.draw(st.booleans()):
        # A valid form with one or two of its own fields changed, so the change reaches the database.
        valid = {name: value.format(**attack_world.ids) for name, value in VALID[endpoint].items()}
        form = valid | data.draw(st.dictionaries(st.sampled_from(sorted(valid)), values, min_size=1, max_size=2))
    else:
        form = data.draw(forms)
    role = RULES[endpoint][1][-1]
    client = attack_world.client(role)
    if not client.csrf:
        client.get("/credits")
    response = client.raw.post(attack_world.url(endpoint), data={**form, "csrf_token": client.csrf})
    assert response.status_code < 500, f"{endpoint} answered {response.status_code} to {form!r}"
    client._remember_token(response)
