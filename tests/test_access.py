"""Who may reach what: every staff page needs sign-in and the right role; other IROs' children are 404."""

import pytest

from voice_app.models import Role

pytestmark = pytest.mark.any_database(reason="who may reach what is decided in Python (roles, ownership) after plain look-ups by id")

# Every staff route with an example URL: a new route that is not listed here fails test_every_route_is_listed.
STAFF_GETS = {
    "staff.caseload": "/caseload",
    "staff.child": "/children/{child}",
    "staff.new_child": "/children/new",
    "staff.edit_child": "/children/{child}/edit",
    "staff.record_visit": "/visits/{visit}/record",
    "staff.record_review_outcome": "/reviews/{review}/record",
    "auth.change_password": "/account/password",
    "admin.staff_list": "/admin/staff",
    "admin.new_staff": "/admin/staff/new",
    "admin.temporary_password": "/admin/staff/{staff}/password",
    "records.child": "/records/children/{child}",
    "records.find": "/records",
    "mfa.overview": "/account/two-factor",
    "mfa.set_up": "/account/two-factor/set-up",
    "mfa.policy": "/admin/two-factor",
    "sso_admin.settings": "/admin/single-sign-on",
    "sso_admin.approvals": "/admin/single-sign-on/approvals",
}
STAFF_POSTS = {
    "staff.add_review": "/children/{child}/reviews",
    "staff.add_visit": "/reviews/{review}/visits",
    "staff.young_persons_conference": "/reviews/{review}/young-person",
    "admin.toggle_active": "/admin/staff/{staff}/active",
    "admin.unlock_account": "/admin/staff/{staff}/unlock",
    "records.subject_access": "/records/children/{child}/subject-access",
    "records.correct": "/records/children/{child}/correct",
    "records.ask_erasure": "/records/children/{child}/erasure",
    "records.confirm": "/records/erasure/1/confirm",
    "records.cancel": "/records/erasure/1/cancel",
    "mfa.new_codes": "/account/two-factor/recovery-codes",
    "mfa.turn_off": "/account/two-factor/off",
    "mfa.reset": "/admin/staff/{staff}/two-factor/reset",
    "handover.waiting_answer": "/statements/1/waiting-answers",
    "sso_admin.decide": "/admin/single-sign-on/approvals/1",
}
PUBLIC = {"static", "health.healthz", "health.readyz", "credits.credits", "auth.index", "auth.sign_in", "auth.sign_out", "mfa.challenge", "mfa.recovery", "sso.start", "sso.callback", "sso.hand_back"}


@pytest.fixture
def world(make):
    iro = make.staff(Role.IRO)
    other_iro = make.staff(Role.IRO)
    child = make.child(iro)
    review = make.review(child)
    visit = make.visit(review, iro=iro)
    ids = dict(child=child.id, review=review.id, visit=visit.id, staff=other_iro.id)
    return dict(iro=iro, other_iro=other_iro, child=child, ids=ids, make=make)


def _fill(url, ids):
    return url.format(**ids)


def _endpoints_tested_elsewhere() -> set[str]:
    """Each area's access tests declare ACCESS_TESTED_ENDPOINTS; gather them from every test module."""
    import importlib
    import pkgutil

    import tests

    found: set[str] = set()
    for module_info in pkgutil.iter_modules(tests.__path__):
        if module_info.name.startswith("test_"):
            module = importlib.import_module(f"tests.{module_info.name}")
            found |= set(getattr(module, "ACCESS_TESTED_ENDPOINTS", ()))
    return found


def test_every_route_is_listed(app):
    known = set(STAFF_GETS) | set(STAFF_POSTS) | PUBLIC | _endpoints_tested_elsewhere()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - known
    assert not missing, f"add access tests for these routes and list them in ACCESS_TESTED_ENDPOINTS: {sorted(missing)}"


@pytest.mark.parametrize("endpoint", sorted(STAFF_GETS))
def test_staff_pages_need_sign_in(client, world, endpoint):
    response = client.get(_fill(STAFF_GETS[endpoint], world["ids"]))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("endpoint", sorted(STAFF_POSTS))
def test_staff_actions_need_sign_in(client, world, endpoint):
    response = client.post(_fill(STAFF_POSTS[endpoint], world["ids"]))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/children/{child}", "/children/{child}/equality", "/visits/{visit}/record", "/reviews/{review}/record"])
def test_an_iro_gets_404_for_another_iros_child(signed_in, world, url):
    client = signed_in(world["other_iro"])
    assert client.get(_fill(url, world["ids"])).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/children/{child}/reviews", "/children/{child}/equality", "/reviews/{review}/visits", "/reviews/{review}/record", "/reviews/{review}/young-person"],
)
def test_an_iro_cannot_change_another_iros_child(signed_in, world, url):
    client = signed_in(world["other_iro"])
    assert client.post(_fill(url, world["ids"]), {"scheduled_for": "2030-01-01", "planned_for": "2030-01-01"}).status_code == 404


def test_an_unknown_child_is_404_not_500(signed_in, world):
    assert signed_in(world["iro"]).get("/children/999999").status_code == 404


@pytest.mark.parametrize(
    ("role", "url", "expected"),
    [
        (Role.IRO, "/admin/staff", 403),
        (Role.IRO, "/children/new", 403),
        (Role.MANAGER, "/admin/staff", 403),
        (Role.IRO, "/admin/staff/{staff}/password", 403),
        (Role.MANAGER, "/admin/staff/{staff}/password", 403),
        (Role.ADMIN, "/admin/staff/{staff}/password", 200),
        (Role.MANAGER, "/children/{child}", 200),
        (Role.ADMIN, "/caseload", 403),
        (Role.ADMIN, "/children/{child}", 403),
        (Role.ADMIN, "/admin/staff", 200),
        (Role.IRO, "/records/children/{child}", 403),
        (Role.ADMIN, "/records/children/{child}", 403),
        (Role.MANAGER, "/records/children/{child}", 200),
        (Role.IRO, "/records", 403),
        (Role.MANAGER, "/records", 200),
        (Role.IRO, "/admin/single-sign-on", 403),
        (Role.MANAGER, "/admin/single-sign-on", 403),
        (Role.ADMIN, "/admin/single-sign-on", 200),
        (Role.MANAGER, "/admin/single-sign-on/approvals", 403),
        (Role.ADMIN, "/admin/single-sign-on/approvals", 200),
    ],
)
def test_roles(signed_in, world, role, url, expected):
    client = signed_in(world["make"].staff(role))
    assert client.get(_fill(url, world["ids"])).status_code == expected


def test_a_post_without_csrf_token_is_refused(signed_in, world):
    client = signed_in(world["iro"])
    response = client.post(_fill("/reviews/{review}/visits", world["ids"]), {"planned_for": "2030-01-01"}, csrf=False)
    assert response.status_code == 400
    assert b"This form had expired" in response.data


def test_sign_in_itself_needs_a_csrf_token(client, world):
    response = client.post("/sign-in", {"email": world["iro"].email, "password": "x"}, csrf=False)
    assert response.status_code == 400


# ----- the attacker's matrix: every route of the URL map, as every kind of visitor (issue 16) ---------------

from tests.attack_support import ROLES, RULES, SIGN_OUT_ROUTES, denied  # noqa: E402
from voice_app import create_app as _create_app  # noqa: E402
from voice_app.config import Settings as _Settings  # noqa: E402

pytest_plugins = ["tests.statement_fixtures", "tests.attack_support"]


def _url_map_routes() -> list[tuple[str, str]]:
    """(endpoint, method) for every GET and POST rule the app has, read from its own URL map."""
    app = _create_app(settings=_Settings(env="test", database_url="sqlite://", rate_limits_enabled=False))
    return sorted({(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods & {"GET", "POST"}})


ROUTES = _url_map_routes()
POST_ROUTES = [endpoint for endpoint, method in ROUTES if method == "POST"]


def test_every_route_has_a_rule_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not endpoints - set(RULES), f"add these routes to tests/attack_support.RULES: {sorted(endpoints - set(RULES))}"
    assert not set(RULES) - endpoints, f"these routes are gone: {sorted(set(RULES) - endpoints)}"


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_route_by_role_matrix(attack_world, endpoint, method):
    """Roles without the right are refused (sign-in, 403 or 404); those with it are not. Refused roles go first."""
    allowed = RULES[endpoint][1]
    url = attack_world.url(endpoint)
    outcomes = {}
    for role in sorted(ROLES, key=lambda r: r in allowed):
        client = attack_world.client(role)
        response = client.get(url) if method == "GET" else client.post(url, {})
        outcomes[ROLES[role]] = response.status_code
        # /readyz says 503 "behind" here: the test database is built from the models, never stamped by Alembic.
        not_ready = endpoint == "health.readyz" and response.status_code == 503 and response.json["schema"] == "behind"
        assert response.status_code < 500 or not_ready, (role, response.status_code)
        if endpoint in SIGN_OUT_ROUTES and role in allowed:
            assert denied(client.get("/account/sessions")), f"{url} as {ROLES[role]} left the session open"
            continue
        assert denied(response) != (role in allowed), f"{method} {url} as {ROLES[role]}: {response.status_code} {response.headers.get('Location', '')}"


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(attack_world, endpoint):
    url = attack_world.url(endpoint)
    role = RULES[endpoint][1][-1]  # someone who may use it
    client = attack_world.client(role)
    assert client.post(url, {}, csrf=False).status_code == 400
    assert client.post(url, {"csrf_token": "forged"}, csrf=False).status_code == 400
