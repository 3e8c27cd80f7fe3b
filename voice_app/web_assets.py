"""Bytes on the wire: static files under content-hashed names with year-long caching, and compressed pages.

Static files are copied once into the instance folder as `name.<hash>.ext`, with gzip and brotli copies
beside them, and served by WhiteNoise ahead of Flask (so they carry no session, no `Vary: Cookie` and no
`no-store`). `url_for('static', filename='css/child.css')` gives the hashed URL, so a page names the exact
bytes it needs and a browser keeps them for a year without asking again. Pages and fragments are
compressed by Flask-Compress (brotli where the client accepts it, else gzip), so `voice-app serve` sends
compressed bytes behind any proxy or none.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_compress import Compress
from markupsafe import Markup, escape
from rjsmin import jsmin
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

__all__ = ["BUNDLES", "SPRITE", "SPRITE_HEADER", "inline_svg", "install_web_assets", "served_script", "static_manifest", "symbol_mode", "symbol_sprite"]

YEAR = 365 * 24 * 60 * 60
HASH_LENGTH = 12
# A hashed name: "child.0123456789ab.css" (the hash sits before the last suffix, or ends a name without one).
_HASHED = re.compile(r"\.[0-9a-f]{12}(\.[^./]+)?$")
# Text the app sends (pages, fragments, JSON); static files are compressed ahead of time instead.
COMPRESSED_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                    "image/svg+xml", "text/plain", "text/csv"]


class _StaticFiles(WhiteNoise):
    # WhiteNoise's "forever" is ten years; a year is what HTTP caches are asked to honour.
    FOREVER = YEAR

    @staticmethod
    def serve(static_file, environ, start_response):
        if not _HASHED.search(environ.get("PATH_INFO", "")):
            return WhiteNoise.serve(static_file, environ, start_response)

        # A hashed file never changes, so a browser never asks "has it changed?": its validators are dead weight
        # (on a small symbol they are a fifth of the bytes).
        def start(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if name.lower() not in ("etag", "last-modified")]
            return start_response(status, kept, exc_info)

        return WhiteNoise.serve(static_file, environ, start)


def hashed_name(name: str, content: bytes) -> str:
    """`css/child.css` -> `css/child.<first 12 hex of sha256>.css`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


_HASHES: dict[tuple[str, int, int], str] = {}
# A relative reference from a script or stylesheet to another static file: `from "./x.js"`, `import("./x.js")`,
# `url(../icons/x.svg)`. It is rewritten to the hashed name, so the file that refers is hashed with it.
_REFERENCE = re.compile(r"""(\bfrom\s*|\bimport\s*\(\s*|\burl\(\s*)(["']?)(\.{1,2}/[^"')\s]+)\2""")
_REWRITTEN = (".js", ".css")


def _rewrite(name: str, text: str, hashed: Callable[[str], str | None]) -> str:
    folder = posixpath.dirname(name)

    def swap(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(3)))
        new_name = hashed(target)
        if new_name is None:
            return match.group(0)
        reference = posixpath.relpath(new_name, folder or ".")
        reference = reference if reference.startswith(".") else f"./{reference}"
        return f"{match.group(1)}{match.group(2)}{reference}{match.group(2)}"

    return _REFERENCE.sub(swap, text)


# One file of every symbol, made at start-up from static/icons/ (so it can never fall behind them): a page or step
# names its pictures with <use href="…/icons/sprite.<hash>.svg#id"> once this browser keeps it, and carries no SVG.
SPRITE = "icons/sprite.svg"
# Sent by a child page's script on every request once the sprite is in its cache: the sprite's URL, so a page still
# running an older release (another sprite) gets pictures drawn inline rather than references it cannot resolve.
SPRITE_HEADER = "X-Symbol-Sprite"
_NOT_SYMBOLS = {"favicon.svg", "sprite.svg"}
# Files made at start-up by joining others in order (the files themselves stay as they are, and are served too).
# The child's page loads one script and one stylesheet instead of nine files: over HTTP/1.1 each request costs
# about 320 bytes of headers, and one stream compresses better than seven (issue 14: first screen <= 30 KB).
BUNDLES: dict[str, tuple[str, ...]] = {
    "js/child.bundle.js": ("js/htmx.min.js", "js/app.js", "js/speech.js", "js/idb-keyval.umd.js", "js/child-queue.js",
                           "js/child.js", "js/my-iro.js"),
    "css/child.bundle.css": ("css/child.css", "css/my-iro.css"),
}
# Not in the bundle: js/child-offline.js (the offline pack) is loaded by child.js after the first screen, since
# nothing on it needs it, and directly by the worker's offline page, which does.
# Between joined scripts: a line end ends a trailing `//` comment, and `;` ends a last statement left open.
_JOINS = {".js": b"\n;\n", ".css": b"\n"}
_SPRITES: dict[tuple, tuple[bytes, frozenset[str]]] = {}
_OUTER_SVG = re.compile(r'^<svg\b[^>]*?viewBox="([^"]+)"[^>]*>(.*)</svg>$', re.S)


def _symbol_files(static_root: Path) -> list[Path]:
    return [path for path in sorted((static_root / "icons").glob("*.svg")) if path.name not in _NOT_SYMBOLS]


def symbol_sprite(static_root: Path) -> tuple[bytes, frozenset[str]]:
    """The sprite's bytes (every symbol as a <symbol id="name">, coordinates rounded) and the ids in it.

    Deterministic: the same icons give the same bytes, so the same hashed URL, on every server.
    """
    paths = _symbol_files(static_root)
    key = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    if key not in _SPRITES:
        parts = []
        for path in paths:
            match = _OUTER_SVG.match(_rounded_svg(path.read_text(encoding="utf-8").strip()))
            if match:  # every shipped symbol is one <svg> with a viewBox (static/icons/README.md)
                parts.append(f'<symbol id="{path.stem}" viewBox="{match.group(1)}">{match.group(2)}</symbol>')
        body = '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>"
        _SPRITES[key] = (body.encode("utf-8"), frozenset(path.stem for path in paths))
    return _SPRITES[key]


def _content(static_root: Path, name: str, manifest: dict[str, str]) -> bytes:
    """A static file's bytes as served: scripts and stylesheets with their references hashed, symbols rounded."""
    if name == SPRITE:
        return symbol_sprite(static_root)[0]
    if name in BUNDLES:
        # Members sit in the bundle's own folder, so their relative references (url(../fonts/…)) still hold.
        return _JOINS[Path(name).suffix].join(_content(static_root, member, manifest) for member in BUNDLES[name])
    data = (static_root / name).read_bytes()
    if name.endswith(".svg"):
        return _rounded_svg(data.decode("utf-8")).encode("utf-8")
    if not name.endswith(_REWRITTEN):
        return data
    return _minified(name, _rewrite(name, data.decode("utf-8"), manifest.get)).encode("utf-8")


def _minified(name: str, text: str) -> str:
    if name.endswith(".js") and not name.endswith(".min.js"):
        # Our scripts explain themselves in comments; the wire needs none of them (a tenth of the child's first screen).
        return jsmin(text, keep_bang_comments=True)
    return text


_SCRIPTS: dict[tuple, bytes] = {}


def served_script(static_root: Path, name: str) -> bytes:
    """One of our scripts as the static files serve it (minified), for a route that serves it under its own URL."""
    path = static_root / name
    key = (name, path.stat().st_mtime_ns)
    if key not in _SCRIPTS:
        _SCRIPTS[key] = _minified(name, path.read_text(encoding="utf-8")).encode("utf-8")
    return _SCRIPTS[key]


def static_manifest(static_root: Path) -> dict[str, str]:
    """Every file under the static folder, by its name, with its content-hashed name."""
    files = {path.relative_to(static_root).as_posix(): path for path in sorted(static_root.rglob("*")) if path.is_file()}
    manifest: dict[str, str] = {}

    def hashed(name: str) -> str | None:
        if name in manifest or name not in files:
            return manifest.get(name)
        path = files[name]
        if name.endswith(_REWRITTEN):
            manifest[name] = name  # a file that refers back to itself (through others) keeps its own name
            text = _minified(name, _rewrite(name, path.read_text(encoding="utf-8"), hashed))
            manifest[name] = hashed_name(name, text.encode("utf-8"))
            return manifest[name]
        stat = path.stat()
        # Hashed once per process while the file is unchanged (tests build an app per test).
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _HASHES:
            _HASHES[key] = hashed_name(name, _content(static_root, name, manifest))
        manifest[name] = _HASHES[key]
        return manifest[name]

    for name in files:
        hashed(name)
    if (static_root / "icons").is_dir():
        manifest[SPRITE] = hashed_name(SPRITE, symbol_sprite(static_root)[0])
    for name, members in BUNDLES.items():
        if all(member in files and posixpath.dirname(member) == posixpath.dirname(name) for member in members):
            manifest[name] = hashed_name(name, _content(static_root, name, manifest))
    return manifest


def _build(static_root: Path, manifest: dict[str, str], cache_root: Path) -> Path:
    """The folder of hashed copies (and their .gz/.br), made once per set of contents and then reused."""
    # Named after every file's hash and this module (which decides what is served), so a change to either builds anew.
    listing = "\n".join(f"{k} {v}" for k, v in sorted(manifest.items())).encode() + Path(__file__).read_bytes()
    key = hashlib.sha256(listing).hexdigest()[:16]
    target = cache_root / key
    if target.is_dir():
        return target
    cache_root.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so two processes starting at once never serve half a folder.
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_root))
    compressor = Compressor(quiet=True)
    for name, hashed in manifest.items():
        out = work / hashed
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(_content(static_root, name, manifest))
        made = [str(out)] + (compressor.compress(str(out)) if compressor.should_compress(name) else [])
        for path in made:
            # The plain name too (with its own short caching), for links that cannot know the hash.
            shutil.copyfile(path, str(work / name) + path[len(str(out)):])
    try:
        os.rename(work, target)
    except OSError:  # another process got there first: theirs is identical
        shutil.rmtree(work, ignore_errors=True)
    _prune(cache_root, keep=target)
    return target


def _prune(cache_root: Path, *, keep: Path) -> None:
    """Drop builds of older static files after a day (a server still running an older release has had time to stop)."""
    day_ago = time.time() - 24 * 60 * 60
    for folder in cache_root.iterdir():
        try:
            if folder != keep and folder.is_dir() and folder.stat().st_mtime < day_ago:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _cache_root(app: Flask) -> Path:
    root = Path(app.instance_path) / "static-cache"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=root)
        probe.close()
        return root
    except OSError:  # a read-only install: fall back to the machine's temporary folder
        return Path(tempfile.gettempdir()) / "voice-app-static-cache"


def _static_headers(headers, path: str, url: str) -> None:
    # The headers pages get from security.py, where they matter for a file: no sniffing, no other sites.
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if url.endswith(".svg"):
        # An SVG opened on its own is a document: it may run nothing and load nothing.
        headers["Content-Security-Policy"] = "default-src 'none'"
    if not _HASHED.search(url):
        # An unhashed name may change under the same URL: the browser asks each time.
        headers["Cache-Control"] = "no-cache"


_SVGS: dict[tuple[str, int], str] = {}
_NUMBER = re.compile(r"-?\d*\.\d+(?:[eE][-+]?\d+)?")
_PATH_DATA = re.compile(r'\bd="([^"]*)"')
_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def _round_path(data: str) -> str:
    """Path data to one decimal place: a 32-unit symbol drawn 72 px wide moves by at most 0.1 px."""

    def shorter(match: re.Match) -> str:
        text = match.group(0)
        if "e" in text.lower():
            return text
        out = f"{round(float(text), 1):.1f}".rstrip("0").rstrip(".")
        out = "0" if out in ("-0", "") else out
        out = out.replace("0.", ".", 1) if out.startswith(("0.", "-0.")) else out
        # Numbers touch in path data ("2.96.5", "1-.04"): keep them apart once rounding drops a "." or a "-".
        before = match.string[match.start() - 1 : match.start()]
        follows = match.string[match.end() : match.end() + 1]
        if not out.startswith("-") and (before.isdigit() or before == "."):
            out = " " + out
        if follows == "." and "." not in out:
            out += " "
        return out

    return re.sub(" {2,}", " ", _NUMBER.sub(shorter, data))


def _rounded_svg(svg: str) -> str:
    viewbox = _VIEWBOX.search(svg)
    if viewbox and min(float(viewbox.group(1)), float(viewbox.group(2))) >= 24:
        svg = _PATH_DATA.sub(lambda m: f'd="{_round_path(m.group(1))}"', svg)
    return svg


def inline_svg(static_root: Path, filename: str, class_: str = "", size: int = 40) -> Markup:
    """A static SVG's markup, to put straight into a page (its pictures then need no request of their own).

    The files are ours and hold no scripts or styles (see static/icons/README.md); a missing one gives nothing,
    not an error page. Path coordinates are rounded (invisibly), as in the served files.
    """
    path = static_root / filename
    try:
        key = (str(path), path.stat().st_mtime_ns)
        if key not in _SVGS:
            _SVGS[key] = _rounded_svg(path.read_text(encoding="utf-8").strip())
    except OSError:
        return Markup("")
    attributes = f'class="{escape(class_)}" width="{size}" height="{size}" '
    return Markup(_SVGS[key].replace("<svg ", f"<svg {attributes}", 1))


def _sprite_url() -> str:
    """The sprite's hashed URL: fixed for the app's life (its manifest is made at start-up), so looked up once per
    app and script root rather than once per symbol (a step draws a dozen)."""
    known = current_app.extensions.setdefault("voice_sprite_urls", {})
    root = request.script_root if has_request_context() else ""
    if root not in known:
        known[root] = url_for("static", filename=SPRITE)
    return known[root]


def _sprite_kept(sprite_url: str) -> bool:
    """Whether this request comes from a page that keeps this release's sprite (its script says so), or is for
    something only ever shown once the sprite is kept (the offline pack sets g.symbols_by_reference)."""
    return has_request_context() and (request.headers.get(SPRITE_HEADER) == sprite_url or g.get("symbols_by_reference", False))


def symbol_mode() -> str | None:
    """How this request's symbols are drawn: the sprite's URL when the page keeps the sprite, None when inlined
    (what a rendering kept for later must be keyed on, beside its language)."""
    sprite_url = _sprite_url()
    return sprite_url if _sprite_kept(sprite_url) else None


def symbol_svg(static_root: Path, name: str, class_: str = "", size: int = 40, *, sprite_ids: frozenset[str]) -> Markup:
    """A symbol drawn in the page: a reference into the cached sprite when the browser keeps it, else inlined.

    Either way it is an <svg aria-hidden="true"> with no request of its own after the page or step: the word
    beside it is what a screen reader reads.
    """
    sprite_url = _sprite_url()
    if not _sprite_kept(sprite_url):
        return inline_svg(static_root, f"icons/{name}.svg", class_, size)
    if name not in sprite_ids:
        return Markup("")  # as inline_svg: a missing symbol gives nothing, not an error page
    return Markup(f'<svg class="{escape(class_)}" width="{size}" height="{size}" aria-hidden="true" focusable="false">'
                  f'<use href="{sprite_url}#{escape(name)}"/></svg>')


def install_web_assets(app: Flask) -> None:
    """Serve static files hashed, immutable and pre-compressed; compress every text response."""
    static_root = Path(app.static_folder or "static")
    manifest = static_manifest(static_root)
    built = _build(static_root, manifest, _cache_root(app))
    app.extensions["voice_static_manifest"] = manifest
    app.jinja_env.globals["inline_svg"] = lambda filename, class_="", size=40: inline_svg(static_root, filename, class_, size)
    # The sprite's ids are known at start-up, like its hashed URL: a step need not list the icons folder per symbol.
    sprite_ids = symbol_sprite(static_root)[1]
    app.jinja_env.globals["symbol_svg"] = lambda name, class_="", size=40: symbol_svg(static_root, name, class_, size, sprite_ids=sprite_ids)

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.wsgi_app = _StaticFiles(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(built),
        prefix=app.static_url_path or "/static",
        max_age=0,
        allow_all_origins=False,
        add_headers_function=_static_headers,
        immutable_file_test=lambda _path, url: bool(_HASHED.search(url)),
    )

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)  # per response: quick, and most of brotli's gain
    app.config.setdefault("COMPRESS_MIN_SIZE", 256)
    Compress(app)
