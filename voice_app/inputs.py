"""One rule for everything a browser sends: ids in range, no files, and text cleaned the same way everywhere."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Request, current_app
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# PostgreSQL's INTEGER (and SQLite's happy range): an id above it can only be a 404, never a database error.
MAX_ID = 2**31 - 1
# No field of any form is longer than this (the IRO's notes are the longest); more is refused, not cut.
MAX_FIELD_CHARS = 20_000
# Never shown, never stored as typed: hashed, compared or passed on (a provider's client secret) as sent,
# so cleaning could only lock someone out.
SECRET_FIELDS = frozenset({"password", "current", "new", "confirm", "secret", "pin", "csrf_token", "client_secret"})
# C0 and C1 control characters except tab and newline. NUL in particular: PostgreSQL refuses it in text.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])


def clean_text(value: str) -> str:
    """Line ends as \\n, control characters removed, Unicode in NFC (so "é" is one character wherever it came from)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)
    return unicodedata.normalize("NFC", value)


def stripped(value):
    """A form field's filter: typed text without the spaces around it (an empty field's None as it is)."""
    return value.strip() if isinstance(value, str) else value


def one_line(text: str | None, *, limit: int, what: str) -> str:
    """Text a person must give, on one line with single spaces; ValueError, in words naming `what`, when empty or too long."""
    text = " ".join((text or "").split())
    if not text:
        raise ValueError(f"Write {what}.")
    if len(text) > limit:
        raise ValueError(f"Keep {what} under {limit} characters.")
    return text


def clean_field(name: str, value: str) -> str:
    """The cleaning rule for one submitted field: secrets pass untouched, but nothing may be overlong."""
    if len(value) > MAX_FIELD_CHARS:
        raise RequestEntityTooLarge()
    return value if name in SECRET_FIELDS else clean_text(value)


def _cleaned(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(clean_text(key), clean_field(key, value)) for key, value in values.items(multi=True)])


View = TypeVar("View", bound=Callable)


def accepts_files(*fields: str, max_bytes: int) -> Callable[[View], View]:
    """Mark a view as taking uploads, in these fields, of up to max_bytes in all (just under the route decorator).

    Every other view and field refuses files; this view also gets a larger request limit before anything
    reads the body, so the app-wide CSRF check still runs on it."""

    def mark(view: View) -> View:
        view.accepts_files = (frozenset(fields), max_bytes)  # type: ignore[attr-defined]
        return view

    return mark


class CleanRequest(Request):
    """Every form field and query-string value goes through clean_field before any view or form sees it."""

    def _upload(self) -> tuple[frozenset[str], int] | None:
        """(fields, max bytes) when this request's view takes uploads (accepts_files), else None."""
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        return getattr(view, "accepts_files", None)

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        upload = self._upload()
        return upload[1] + 64 * 1024 if upload else Request.max_content_length.fget(self)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        upload = self._upload()
        if any(not upload or name not in upload[0] for name in self.__dict__.get("files", {})):
            # A file where text belongs is a bad request, not a crash in a text filter.
            raise BadRequest("This form does not take files.")
        self.__dict__["form"] = _cleaned(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _cleaned(Request.args.fget(self))  # werkzeug's own parsing, then ours


class IdConverter(IntegerConverter):
    """<int:...> with bounds: a 30-digit id is simply not a route (404), not an OverflowError in the database."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_id(raw: str) -> int:
    """An id from a query string (request.args.get(..., type=bounded_id)): ValueError when out of range."""
    value = int(raw)
    if not 0 < value <= MAX_ID:
        raise ValueError("out of range")
    return value


def install_input_rules(app: Flask) -> None:
    """Register the rules once for the whole app; call before any blueprint adds its routes."""
    app.request_class = CleanRequest
    # Replacing "int" itself means every id route, present and future, is bounded without touching it.
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter
