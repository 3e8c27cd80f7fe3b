"""The suite's short cuts (tests/conftest.py) make the same app as Werkzeug and WhiteNoise would on their own.

Each worker compiles a URL rule's builder once and reads a static folder's files once; an app made from them must
build every URL and serve every static file exactly as an app made without them.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter
from werkzeug.routing.rules import Rule
from whitenoise.base import WhiteNoise

from tests import conftest
from tests.conftest import make_settings
from voice_app import create_app

pytestmark = pytest.mark.any_database(reason="how the app is put together: URLs and static files")


def _value(rule: Rule, name: str):
    return 7 if isinstance(rule._converters.get(name), IntegerConverter) else "a-b"


def _urls(app) -> dict[tuple[str, str], tuple]:
    built = {}
    for rule in app.url_map.iter_rules():
        values = {name: _value(rule, name) for name in rule.arguments}
        built[(rule.endpoint, rule.rule)] = (rule.build(values, append_unknown=False), rule.build({**values, "next": "/x y"}))
    return built


def _static(app) -> dict[str, tuple]:
    client = app.test_client()
    served = {}
    for name, hashed in app.extensions["voice_static_manifest"].items():
        response = client.get(f"/static/{hashed}", headers={"Accept-Encoding": "br, gzip"})
        headers = {key: value for key, value in response.headers.items() if key not in ("Date", "Last-Modified")}
        served[name] = (response.status_code, headers, response.get_data())
    return served


def test_an_app_made_from_the_shared_builders_and_static_files_is_the_same(database_url, monkeypatch):
    create_app(settings=make_settings(database_url)).extensions["voice_app_engine"].dispose()  # fills what is shared
    shared = create_app(settings=make_settings(database_url))
    # Werkzeug's and WhiteNoise's own, as conftest found them
    assert conftest._compile_builder.__module__ == "werkzeug.routing.rules"
    assert conftest._update_files_dictionary.__module__ == "whitenoise.base"
    monkeypatch.setattr(Rule, "_compile_builder", conftest._compile_builder)
    monkeypatch.setattr(WhiteNoise, "update_files_dictionary", conftest._update_files_dictionary)
    fresh = create_app(settings=make_settings(database_url))
    try:
        assert conftest._builders and conftest._static_files  # the short cuts were used
        assert _urls(shared) == _urls(fresh)
        assert len(_static(shared)) > 100
        assert _static(shared) == _static(fresh)
    finally:
        for app in (shared, fresh):
            app.extensions["voice_app_engine"].dispose()
