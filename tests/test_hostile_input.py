"""Hostile input never breaks a page: ids out of range, files in text fields, NUL bytes, wild periods,
and an injection corpus through every text field that pages and exports show (issue 16)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlmodel import select

from tests.attack_support import RULES
from voice_app.models import Child, ParentResponse, StaffUser, Statement, Visit

pytest_plugins = ["tests.statement_fixtures", "tests.attack_support"]

HUGE = "9" * 30
MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER


def _id_routes() -> list[tuple[str, str]]:
    from tests.test_access import ROUTES

    return [(endpoint, method) for endpoint, method in ROUTES if "{" in RULES[endpoint][0] and "{token}" not in RULES[endpoint][0]]


@pytest.mark.parametrize(("endpoint", "method"), _id_routes())
def test_an_id_beyond_the_database_range_is_404(attack_world, endpoint, method):
    role = RULES[endpoint][1][-1]
    url = re.sub(r"\{[a-z_0-9]+\}", HUGE, RULES[endpoint][0])
    client = attack_world.client(role)
    response = client.get(url) if method == "GET" else client.post(url, {})
    # No route matches, so a tablet in child mode gets its "closed" page, like any unknown address.
    assert response.status_code in ((403, 404) if role == "C" else (404,))


def test_every_int_route_uses_the_bounded_converter(app):
    from voice_app.inputs import IdConverter

    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if "int" in type(converter).__name__.lower() or isinstance(converter, IdConverter):
                assert isinstance(converter, IdConverter) and converter.max == MAX_ID, (rule.rule, name)


def test_the_largest_id_is_still_a_plain_404(signed_in, make):
    assert signed_in(make.staff()).get(f"/children/{MAX_ID}").status_code == 404
    assert signed_in(make.staff()).get(f"/children/{MAX_ID + 1}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "period=fy-999999999999999999999999999999",
        "period=q-999999999999999999999999999999-1",
        "period=q-2025-999999999999999999999999999999",
        "period=fy-%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95",  # full-width digits: int() reads them, date() must not see them
        "from=999999999-01-01&to=999999999-12-31",
        "from=2025-04-01&to=2025-04-01%00",
    ],
)
def test_wild_report_periods_are_400(signed_in, make, query):
    from voice_app.models import Role

    response = signed_in(make.staff(Role.MANAGER)).get(f"/reports/?{query}")
    assert response.status_code == 400 or (response.status_code == 200 and "%00" in query)


def test_wild_feedback_years_and_caseload_filters_are_not_500(signed_in, make):
    from voice_app.models import Role

    manager = signed_in(make.staff(Role.MANAGER))
    assert manager.get(f"/feedback/results?year={HUGE}").status_code == 400
    assert manager.get(f"/caseload?iro={HUGE}").status_code == 200
    assert manager.get("/caseload?q=a%00b").status_code == 200


@pytest.mark.parametrize("endpoint", [e for e, m in __import__("tests.test_access", fromlist=["ROUTES"]).ROUTES if m == "POST"])
def test_a_file_sent_to_any_form_is_400(attack_world, endpoint):
    role = RULES[endpoint][1][-1]
    client = attack_world.client(role)
    data = {"csrf_token": client.csrf, "iro_notes": (io.BytesIO(b"not text"), "notes.txt"), "comment": (io.BytesIO(b"x"), "x.txt")}
    response = client.raw.post(attack_world.url(endpoint), data=data, content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_file_in_the_notes_field_is_400_and_nothing_is_stored(attack_world, db):
    client = attack_world.client("I")
    client.get(attack_world.url("statements.show"))
    data = {"csrf_token": client.csrf, "iro_notes": (io.BytesIO(b"x"), "notes.txt")}
    assert client.raw.post(attack_world.url("statements.notes"), data=data, content_type="multipart/form-data").status_code == 400
    assert db.get(Statement, attack_world.ids["statement"]).iro_notes == ""


def test_clean_text_rule():
    from voice_app.inputs import clean_text

    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f") == "abcdef"
    assert clean_text("line one\r\nline two\rthree\tend") == "line one\nline two\nthree\tend"
    assert clean_text("e\u0301") == "\u00e9"  # one "é", however it was typed
    assert clean_text("\u200c\u202b") == "\u200c\u202b"  # Persian's zero-width non-joiner and direction marks stay


def test_the_spaces_around_typed_text_are_dropped_by_the_forms_filter():
    """One filter for the forms that take names, emails, codes and settings (sign-in, second factor, single sign-on, practitioners)."""
    from voice_app.inputs import stripped

    assert stripped("  name@example.org \n") == "name@example.org"
    assert stripped("Social  worker") == "Social  worker"  # only around it
    assert stripped(None) is None  # an optional field left empty


def test_text_a_person_must_give_is_one_line_and_refused_in_words_when_empty_or_long():
    """The parents' area's changes ("you said, we did") and local questions are kept by this one rule."""
    from voice_app.inputs import one_line

    assert one_line("  Parents  asked\nfor   letters ", limit=30, what="what people said") == "Parents asked for letters"
    with pytest.raises(ValueError, match=r"^Write the question\.$"):
        one_line(" \n ", limit=30, what="the question")
    assert one_line("x" * 30, limit=30, what="the question") == "x" * 30
    with pytest.raises(ValueError, match=r"^Keep the question under 30 characters\.$"):
        one_line("x" * 31, limit=30, what="the question")


def test_every_text_field_of_every_form_has_a_length_limit():
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm
    from wtforms import PasswordField, StringField
    from wtforms.validators import Length

    import voice_app
    from voice_app.inputs import MAX_FIELD_CHARS, SECRET_FIELDS

    for module in pkgutil.walk_packages(voice_app.__path__, "voice_app."):
        if module.name.endswith("forms"):
            importlib.import_module(module.name)
    forms = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        forms.add(form)
        pending.extend(form.__subclasses__())
    checked = 0
    for form in forms:
        for name, unbound in vars(form).items():
            if not hasattr(unbound, "field_class") or not issubclass(unbound.field_class, StringField):
                continue
            if issubclass(unbound.field_class, PasswordField):
                assert name in SECRET_FIELDS, f"{form.__name__}.{name}: a password field the cleaning rule would change"
                continue  # hashed, never stored or shown: MAX_FIELD_CHARS bounds it
            if name == "answer" and form.__name__ == "ChoiceForm":
                continue  # checked against the question's own choices
            validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else [])
            limits = [v.max for v in validators if isinstance(v, Length) and v.max not in (-1, None)]
            assert limits and max(limits) <= MAX_FIELD_CHARS, f"{form.__name__}.{name} has no length limit"
            checked += 1
    assert checked >= 15


def test_an_overlong_field_is_refused_not_stored(attack_world):
    client = attack_world.client("I")
    client.get(attack_world.url("statements.show"))
    assert client.post(attack_world.url("statements.notes"), {"iro_notes": "x" * 20_001}).status_code == 413


# ----- NUL and control characters, in every form that stores text -----------------------------------


NASTY = "Na\x00dia\x07 e\u0301"
CLEAN = "Nadia \u00e9"


def _child_form(world, **changes) -> dict:
    form = {"preferred_name": "Aisha", "case_reference": "LL-1", "preferred_language": "en-GB", "iro_id": str(world.ids["iro_id"]), "cared_for": "y"}
    form.update(changes)
    return form


def test_nul_is_cleaned_from_a_childs_name_and_needs(attack_world, db):
    manager = attack_world.client("M")
    manager.get(attack_world.url("staff.edit_child"))
    response = manager.post(attack_world.url("staff.edit_child"), _child_form(attack_world, preferred_name=NASTY, communication_needs=NASTY))
    assert response.status_code == 302
    child = db.get(Child, attack_world.ids["child"])
    db.refresh(child)
    assert child.preferred_name == CLEAN and child.communication_needs == CLEAN


def test_nul_is_cleaned_from_staff_names(attack_world, db):
    admin = attack_world.client("D")
    admin.get("/admin/staff/new")
    response = admin.post("/admin/staff/new", {"display_name": NASTY, "email": "new@example.org", "role": "iro", "password": "long enough password", "confirm": "long enough password"})
    assert response.status_code == 302
    assert db.exec(select(StaffUser).where(StaffUser.email == "new@example.org")).one().display_name == CLEAN


def test_nul_is_cleaned_from_a_declined_reason(attack_world, db):
    iro = attack_world.client("I")
    url = f"/visits/{attack_world.ids['visit3']}/record"
    iro.get(url)
    assert iro.post(url, {"outcome": "declined", "declined_reason": NASTY}).status_code == 302
    assert db.get(Visit, attack_world.ids["visit3"]).declined_reason == CLEAN


def test_nul_is_cleaned_from_parents_comment_and_name_online(attack_world, db):
    parent = attack_world.client("P")
    base = f"/p/{attack_world.ids['token']}"
    _parent_post(parent, f"{base}/start", {})
    for number in range(1, 6):
        _parent_post(parent, f"{base}/q{number}", {"answer": "agree"})
    _parent_post(parent, f"{base}/comment", {"comment": NASTY})
    _parent_post(parent, f"{base}/name", {"name": NASTY})
    assert _parent_post(parent, f"{base}/send", {}).status_code == 302
    response = db.exec(select(ParentResponse)).one()
    assert response.comment == CLEAN and response.name == CLEAN


def test_nul_is_cleaned_from_paper_comment_and_name(attack_world, db):
    iro = attack_world.client("I")
    url = attack_world.url("feedback.paper")
    page = iro.get(url)
    key = re.search(rb'name="submission_key" type="hidden" value="([^"]+)"', page.data).group(1).decode()
    response = iro.post(url, {"submission_key": key, **PAPER_ANSWERS, "comment": NASTY, "name": NASTY})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    saved = db.exec(select(ParentResponse)).one()
    assert saved.comment == CLEAN and saved.name == CLEAN


PAPER_ANSWERS = {"q1": "agree", "q2": "blank", "q3": "disagree", "q4": "not_applicable", "q5": "strongly_agree"}


def _parent_post(client, url: str, data: dict):
    page = client.raw.get(url) if not url.endswith(("/start", "/send")) else client.raw.get(url.rsplit("/", 1)[0])
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data) or re.search(rb'name="csrf-token" content="([^"]+)"', page.data)
    return client.raw.post(url, data={"csrf_token": found.group(1).decode() if found else "", **data})


# ----- an injection corpus through every text field that is shown in pages and exports ------------

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*'7' }}{{ 'ab' ~ 'cd' }}",  # evaluated, it would read 7777777abcd
    "%(child_name)s %s {0}",
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,1)",
    "@cmd",
    "-2+3",
    "'; DROP TABLE child; --",
    "\u202egnp.exe \u200f\u0645\u0631\u062d\u0628\u0627",
]
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload", "7777777", "abcd")


def _assert_inert(body: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in body, f"{marker!r} came through unescaped in {where}"


def _assert_csv_safe(text: str, where: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")) and not re.match(r"^-\D", cell), f"formula cell {cell!r} in {where}"


def _read_everywhere(world, client, pages: list[str], exports: list[str]) -> None:
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        _assert_inert(response.get_data(as_text=True), url)
    for url in exports:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if url.endswith(".json"):
            json.loads(response.data)
        elif ".csv" in url:
            _assert_csv_safe(response.get_data(as_text=True), url)
        elif url.endswith(".pdf"):
            assert response.data.startswith(b"%PDF")


FIELDS = ["child name", "communication needs", "staff name", "iro notes", "you said we did", "declined reason", "paper comment", "paper name"]


@pytest.mark.parametrize("field", FIELDS)
def test_the_injection_corpus_stays_inert_in_pages_and_exports(attack_world, field):
    w, ids = attack_world, attack_world.ids
    iro, manager, admin = w.client("I"), w.client("M"), w.client("D")
    statement_pages = [f"/statements/{ids['statement']}"]
    statement_exports = [f"/statements/{ids['statement']}/export.json", f"/statements/{ids['statement']}/export.pdf"]
    for payload in CORPUS:
        if field in ("child name", "communication needs"):
            manager.get(w.url("staff.edit_child"))
            key = "preferred_name" if field == "child name" else "communication_needs"
            assert manager.post(w.url("staff.edit_child"), _child_form(w, **{key: payload[:80]})).status_code == 302
            _read_everywhere(w, iro, ["/caseload", f"/children/{ids['child']}", *statement_pages], statement_exports)
        elif field == "staff name":
            admin.get("/admin/staff/new")
            email = f"s{CORPUS.index(payload)}@example.org"
            assert admin.post("/admin/staff/new", {"display_name": payload, "email": email, "role": "iro", "password": "long enough password", "confirm": "long enough password"}).status_code == 302
            _read_everywhere(w, admin, ["/admin/staff"], [])
        elif field == "iro notes":
            iro.get(statement_pages[0])
            assert iro.post(w.url("statements.notes"), {"iro_notes": payload}).status_code in (200, 302)
            _read_everywhere(w, iro, statement_pages, statement_exports)
        elif field == "you said we did":
            url = w.url("statements.response")
            iro.get(url)
            assert iro.post(url, {"r-feel-today-we_did": payload}).status_code == 302
            _read_everywhere(w, iro, statement_pages, statement_exports)
        elif field == "declined reason":
            url = f"/visits/{ids['visit3']}/record"
            iro.get(url)
            assert iro.post(url, {"outcome": "declined", "declined_reason": payload}).status_code == 302
            _read_everywhere(w, iro, [f"/children/{ids['child']}"], [])
        else:
            page = iro.get(w.url("feedback.paper"))
            key = re.search(rb'name="submission_key" type="hidden" value="([^"]+)"', page.data).group(1).decode()
            data = {"submission_key": key, **PAPER_ANSWERS, ("comment" if field == "paper comment" else "name"): payload}
            assert iro.post(w.url("feedback.paper"), data).status_code == 302
            _read_everywhere(w, manager, ["/feedback/results", f"/feedback/conferences/{ids['conference']}"], ["/feedback/results/comments.csv"])
