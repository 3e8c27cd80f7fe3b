"""The service figures page, its downloads and the command line: who may see them and what they hold."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.reports_seed import EXPECTED, PERIOD, SECRET_WORDS, seed
from voice_app import cli
from voice_app.models import Role

pytestmark = pytest.mark.usefixtures("today")  # "today" is a fixed day (tests/clock.py), never the day the suite runs

ACCESS_TESTED_ENDPOINTS = {"reports.index", "reports.report_json", "reports.report_csv", "reports.figure_csv", "reports.figure_svg"}
QUERY = f"from={PERIOD.start.isoformat()}&to={PERIOD.end.isoformat()}"
URLS = [
    "/reports/",
    f"/reports/?{QUERY}",
    f"/reports/report.json?{QUERY}",
    f"/reports/report.csv?{QUERY}",
    f"/reports/figures/visits.csv?{QUERY}",
    f"/reports/figures/visits.svg?{QUERY}",
]
CHILD_NAMES = ["Aisha", "Ben", "Chloe", "Dan", "Ella", "Finn", "Gina", "Hal", "REF-A1", "REF-E5", "REF-D4"]


@pytest.fixture
def service(db):
    seed(db)


@pytest.fixture
def manager(make, signed_in):
    return signed_in(make.staff(Role.MANAGER))


@pytest.mark.parametrize("url", URLS)
def test_reports_need_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("url", URLS)
def test_iros_cannot_see_reports(make, signed_in, url):
    assert signed_in(make.staff(Role.IRO)).get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize("url", URLS)
def test_managers_and_admins_can(make, signed_in, service, role, url):
    assert signed_in(make.staff(role)).get(url).status_code == 200


def test_the_navigation_offers_service_figures_to_managers_only(make, signed_in):
    assert b"Service figures" in signed_in(make.staff(Role.MANAGER)).get("/caseload").data
    assert b"Service figures" not in signed_in(make.staff(Role.IRO)).get("/caseload").data


def test_the_page_shows_the_figures_without_any_child(manager, service):
    page = manager.get(f"/reports/?{QUERY}").data.decode()
    assert "Financial year 2024/25" in page and "compared with 1 April 2023 to 31 March 2024" in page
    assert "statement from a visit before" in page and "Cared-for reviews by participation code" in page and "held in timescale" in page
    assert "[name], we moved your meeting to school." in page
    for word in [*CHILD_NAMES, SECRET_WORDS]:
        assert not re.search(rf"\b{re.escape(word)}\b", page), word
    assert "&lt;5" in page and "hidden" in page  # small numbers and the one hidden beside them


def test_charts_are_accessible_svg_without_style_attributes(manager, service):
    page = manager.get(f"/reports/?{QUERY}").data.decode()
    charts = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert charts
    for chart in charts:
        labelled = re.search(r'role="img" aria-labelledby="([^" ]+) ([^"]+)"', chart)
        assert labelled, chart[:200]
        assert f'<title id="{labelled.group(1)}">' in chart and f'<desc id="{labelled.group(2)}">' in chart
    assert "style=" not in page and "<style" not in page


def test_a_quarter_can_be_chosen_and_htmx_gets_just_the_report(manager, service):
    response = manager.get("/reports/?period=q-2024-3", headers={"HX-Request": "true"})
    body = response.data.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Quarter 3 of 2024/25 (October to December 2024)" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [("from=2025-04-01&to=2025-01-01", "on or before the end date"), ("from=nonsense&to=2025-01-01", "real date"), ("period=fy-x", "from the list")],
)
def test_bad_dates_are_a_clear_400_not_a_500(manager, query, message):
    page = manager.get(f"/reports/?{query}")
    assert page.status_code == 400 and message in page.data.decode()
    download = manager.get(f"/reports/report.json?{query}")
    assert download.status_code == 400 and message in download.data.decode()


def _check_published(figure_id: str, key: str, published: dict, expected: int) -> None:
    """A published count is the hand-worked one, or hidden as the rule says."""
    if published["suppressed"] == "small":
        assert 1 <= expected <= 4, (figure_id, key)
    elif published["suppressed"] == "secondary":
        assert expected >= 5 or expected == 0 or figure_id.startswith(("statements-", "views-", "menu-")), (figure_id, key)
    else:
        assert published["count"] == expected, (figure_id, key)


def test_the_json_report_holds_the_hand_worked_figures(manager, service):
    response = manager.get(f"/reports/report.json?{QUERY}")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.data)
    assert document["period"] == {"from": "2024-04-01", "to": "2025-03-31", "label": "Financial year 2024/25"}
    figures = {figure["id"]: figure for figure in document["figures"]}
    for figure_id, rows in EXPECTED.items():
        published = {row["key"]: row for row in figures[figure_id]["rows"]}
        for key, (now, before) in rows.items():
            _check_published(figure_id, key, published[key]["this_period"], now)
            _check_published(figure_id, key, published[key]["previous_period"], before)
    younger = {row["key"]: row for row in figures["statements-version"]["rows"]}["younger"]["this_period"]
    assert younger == {"count": None, "percent": None, "suppressed": "secondary", "shown_as": "hidden"}
    assert SECRET_WORDS not in response.data.decode()


def test_the_csv_report_holds_the_same_figures(manager, service):
    text = manager.get(f"/reports/report.csv?{QUERY}").data.decode()
    records = list(csv.DictReader(io.StringIO(text)))
    by_key = {(r["figure"], r["row"]): r for r in records}
    assert by_key[("visits", "held")]["this_period"] == "10" and by_key[("visits", "held")]["previous_period"] == "2"
    assert by_key[("participation", "participated_cared_for")]["this_period_percent"] == "80.0"
    assert by_key[("participation", "participated_cared_for")]["change_percentage_points"] == "-20.0"
    assert by_key[("statements-version", "older")]["this_period"] == "<5"
    assert by_key[("statements-version", "younger")]["this_period"] == "hidden"
    assert by_key[("views-feel-today", "0:happy")]["this_period"] == "6"
    quote = next(r for r in records if r["figure"] == "you-said-we-did")
    assert quote["text"].startswith("[name], we moved")
    assert records[0]["period_from"] == "2024-04-01" and records[0]["previous_to"] == "2024-03-31"


def test_one_figure_downloads_alone_and_unknown_ones_are_404(manager, service):
    text = manager.get(f"/reports/figures/participation.csv?{QUERY}").data.decode()
    assert {r["figure"] for r in csv.DictReader(io.StringIO(text))} == {"participation"}
    assert manager.get(f"/reports/figures/nothing-here.csv?{QUERY}").status_code == 404
    assert manager.get(f"/reports/figures/parents-q1.svg?{QUERY}").status_code == 404  # a table, no chart
    svg = manager.get(f"/reports/figures/visits.svg?{QUERY}")
    assert svg.mimetype == "image/svg+xml" and b'xmlns="http://www.w3.org/2000/svg"' in svg.data


def test_csv_cells_never_start_a_formula(manager, db, service):
    from tests.reports_seed import utc
    from voice_app.models import ChildResponse, Statement

    statement = db.query(Statement).first()
    db.add(ChildResponse(statement_id=statement.id, question_id="=cmd|' /C calc'!A0", we_did="=HYPERLINK(\"http://x\")", written_by_id=1, created_at=utc(2024, 12, 1)))
    db.commit()
    text = manager.get(f"/reports/figures/you-said-we-did.csv?{QUERY}").data.decode()
    records = list(csv.DictReader(io.StringIO(text)))
    assert any(r["text"] == "'=HYPERLINK(\"http://x\")" and r["label"].startswith("'=") for r in records)
    assert not any(value.startswith(("=", "+", "@")) for r in records for value in r.values())


def test_the_command_line_gives_the_same_report(database_url, db, service, tmp_path, capsys):
    out = tmp_path / "report.json"
    assert cli.main(["report", "--from", "2024-04-01", "--to", "2025-03-31", "--format", "json", "--out", str(out), "--database-url", database_url]) == 0
    figures = {f["id"]: f for f in json.loads(out.read_text())["figures"]}
    held = {row["key"]: row for row in figures["visits"]["rows"]}["held"]
    assert (held["this_period"]["count"], held["previous_period"]["count"]) == EXPECTED["visits"]["held"]
    assert cli.main(["report", "--from", "2024-04-01", "--to", "2025-03-31", "--format", "csv", "--database-url", database_url]) == 0
    assert "participated_cared_for" in capsys.readouterr().out
    assert cli.main(["report", "--from", "2025-04-01", "--to", "2024-03-31", "--database-url", database_url]) == 2
    assert "on or before the end date" in capsys.readouterr().err
    assert cli.main(["report", "--to", "2024-03-31", "--database-url", database_url]) == 2
    assert "both a start date and an end date" in capsys.readouterr().err
    assert cli.main(["report", "--forget", "--database-url", database_url]) == 0
    assert "Forgot 24 kept month(s)" in capsys.readouterr().err
