#!/usr/bin/env python3
"""Write voice-app's symbol SVGs from the Fluent Emoji Flat Iconify JSON.

Usage (from the repository root):

    npm pack @iconify-json/fluent-emoji-flat@1.2.6 --pack-destination /tmp
    tar -xzf /tmp/iconify-json-fluent-emoji-flat-1.2.6.tgz -C /tmp package/icons.json
    python3 scripts/extract_symbols.py /tmp/package/icons.json

Each semantic id in SYMBOLS becomes static/icons/<id>.svg: a standalone SVG with
xmlns and viewBox, no width/height (CSS sizes it), aria-hidden="true" and
focusable="false" (the visible word next to it is the accessible name), and ids
prefixed with the semantic id so several symbols can be inlined in one page.
Standard library only; fails loudly when a mapped icon is missing, and warns about
SVGs left in the folder that are no longer mapped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "static" / "icons"

# Semantic id -> Fluent Emoji Flat icon name, or (name, transform) where transform uses
# Iconify's keys: rotate (quarter turns clockwise), hFlip, vFlip.
# People use the default (yellow) skin tone throughout: neutral, one consistent style.
SYMBOLS: dict[str, str | tuple[str, dict[str, int | bool]]] = {
    # Feelings
    "feel-happy": "grinning-face-with-big-eyes",
    "feel-ok": "slightly-smiling-face",
    "feel-sad": "crying-face",
    "feel-angry": "angry-face",
    "feel-worried": "worried-face",
    "feel-scared": "fearful-face",
    "feel-excited": "star-struck",
    "feel-tired": "yawning-face",
    "feel-confused": "face-with-spiral-eyes",
    "feel-calm": "relieved-face",
    "thumbs-up": "thumbs-up",
    "thumbs-down": "thumbs-down",
    # The middle of a thumbs scale ("It's OK", "A bit", "Sometimes"): a neutral face. A sideways thumb was
    # tried first and read as a fist (issue 28).
    "in-between": "neutral-face",
    # Answer faces for parents' questionnaire
    "strongly-agree": "beaming-face-with-smiling-eyes",
    "agree": "slightly-smiling-face",
    "disagree": "slightly-frowning-face",
    "strongly-disagree": "disappointed-face",
    "not-applicable": "minus",
    # Conversation controls and general symbols
    "guide": "owl",
    "speaker": "speaker-high-volume",
    "skip": "next-track-button",
    "finished": "chequered-flag",
    "stop": "stop-sign",
    "pencil": "pencil",
    "back": "left-arrow",
    "change": "pencil",
    "lock": "locked",
    "globe": "globe-with-meridians",
    "star": "star",
    "sparkles": "sparkles",
    "rainbow": "rainbow",
    "sun": "sun",
    "cloud-rain": "cloud-with-rain",
    "shield": "shield",
    "heart": "red-heart",
    # Home and people
    "home": "house",
    "bed": "bed",
    "pet": "dog-face",
    "food": "fork-and-knife-with-plate",
    "family": "people-hugging",
    "hug": "hugging-face",
    "mum": "woman",
    "dad": "man",
    "carer": "person",
    "siblings": "children-crossing",
    "grandparents": "older-person",
    "baby": "baby",
    # School and free time
    "school": "school",
    "college": "graduation-cap",
    "books": "books",
    "teacher": "teacher",
    "backpack": "backpack",
    "friends": "person-with-bunny-ears",
    "football": "soccer-ball",
    "video-game": "video-game",
    "music": "musical-notes",
    "art": "artist-palette",
    "swimming": "person-swimming",
    "bicycle": "bicycle",
    "tv": "television",
    "phone": "mobile-phone",
    "reading": "open-book",
    # Health
    "health": "stethoscope",
    "doctor": "health-worker",
    "apple": "red-apple",
    "medicine": "pill",
    "sleep": "zzz",
    "tooth": "tooth",
    # People around the meeting
    "social-worker": "office-worker",
    "iro": "person-tipping-hand",
    "advocate": "person-raising-hand",
    "friend": "child",
    "someone-else": "bust-in-silhouette",
    "not-wanted": "no-entry",
    # Signs of Safety and the three houses
    "going-well": "glowing-star",
    "worries": "cloud-with-rain",
    "wishes": "shooting-star",
    "anything-else": "speech-balloon",
    "house-worries": "derelict-house",
    "house-good": "house-with-garden",
    "house-dreams": "castle",
    "safe": "shield",
    # Child's Menu
    "meeting-face-to-face": "busts-in-silhouette",
    "meeting-virtual": "laptop",
    "meeting-hybrid": "desktop-computer",
    "place-home": "house",
    "place-school": "school",
    "place-office": "office-building",
    "place-other": "round-pushpin",
    "time-school": "school",
    "time-after-school": "sunset",
    "time-any": "calendar",
    "attend-all": "check-mark-button",
    "attend-part": "hourglass-not-done",
    "attend-not": "cross-mark",
    "chair-iro": "person-tipping-hand",
    "chair-me": "crown",
    "chair-together": "handshake",
    "chair-social-worker": "office-worker",
    "share-say": "speaking-head",
    "share-iro": "memo",
    "share-advocate": "megaphone",
    "share-write": "crayon",
    "share-video": "video-camera",
    "pre-meeting": "hot-beverage",
    "interpreter": "globe-with-meridians",
    "help": "raised-hand",
    "private-topic": "locked-with-key",
    "dont-mind": "person-shrugging",
    "dont-say": "zipper-mouth-face",
    "question": "red-question-mark",
    "clock": "alarm-clock",
    "calendar": "calendar",
    # Who I am (issue 32): the identity card's cards
    "who-i-am": "identification-card",
    "faith": "place-of-worship",
    "culture": "party-popper",
    "language": "speaking-head",
    "hair-skin": "lotion-bottle",
    "where-i-come-from": "world-map",
}

TRANSFORM_KEYS = ("rotate", "hFlip", "vFlip")
SEMANTIC_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SymbolError(Exception):
    """A mapping or source problem that must stop the run."""


def resolve(icon_set: dict, name: str) -> tuple[dict, dict[str, int | bool]]:
    """Return (icon, transform) for a name, following Iconify aliases."""
    icons, aliases = icon_set["icons"], icon_set.get("aliases", {})
    transform: dict[str, int | bool] = {}
    seen: set[str] = set()
    while name not in icons:
        if name in seen or name not in aliases:
            raise SymbolError(f"icon {name!r} is not in the icon set")
        seen.add(name)
        alias = aliases[name]
        transform = merge_transforms(alias, transform)
        name = alias["parent"]
    return icons[name], merge_transforms(icons[name], transform)


def merge_transforms(inner: dict, outer: dict) -> dict[str, int | bool]:
    """Combine an icon's own transform with one applied on top of it (Iconify rules)."""
    return {
        "rotate": (int(inner.get("rotate", 0)) + int(outer.get("rotate", 0))) % 4,
        "hFlip": bool(inner.get("hFlip")) != bool(outer.get("hFlip")),
        "vFlip": bool(inner.get("vFlip")) != bool(outer.get("vFlip")),
    }


def apply_transform(body: str, width: float, height: float, transform: dict) -> str:
    """Wrap the body in <g transform> for flips and quarter-turn rotations."""
    steps = []
    if transform.get("rotate"):
        if width != height:
            raise SymbolError("rotation is only supported for square icons")
        steps.append(
            f"rotate({90 * transform['rotate']} {fmt(width / 2)} {fmt(height / 2)})"
        )
    if transform.get("hFlip"):
        steps.append(f"translate({fmt(width)} 0) scale(-1 1)")
    if transform.get("vFlip"):
        steps.append(f"translate(0 {fmt(height)}) scale(1 -1)")
    if not steps:
        return body
    return f'<g transform="{" ".join(steps)}">{body}</g>'


def fmt(number: float) -> str:
    """Format a number without a trailing .0."""
    return f"{number:g}"


def prefix_ids(body: str, prefix: str) -> str:
    """Make ids unique to this symbol so several can share one HTML page."""
    ids = re.findall(r'\bid="([^"]+)"', body)
    for old in sorted(set(ids), key=len, reverse=True):
        new = f"{prefix}-{old}"
        body = body.replace(f'id="{old}"', f'id="{new}"')
        body = body.replace(f"url(#{old})", f"url(#{new})")
        body = body.replace(f'href="#{old}"', f'href="#{new}"')
    return body


def minify(body: str) -> str:
    """Collapse whitespace between and inside tags (path data keeps single spaces)."""
    body = re.sub(r">\s+<", "><", body.strip())
    return re.sub(r"\s+", " ", body)


def build_svg(icon_set: dict, semantic_id: str, spec: str | tuple) -> str:
    """Return the standalone SVG text for one semantic id."""
    name, extra = (spec, {}) if isinstance(spec, str) else spec
    unknown = set(extra) - set(TRANSFORM_KEYS)
    if unknown:
        raise SymbolError(f"unknown transform keys {sorted(unknown)}")
    icon, transform = resolve(icon_set, name)
    transform = merge_transforms(transform, extra)
    width = icon.get("width", icon_set.get("width", 16))
    height = icon.get("height", icon_set.get("height", 16))
    left, top = (
        icon.get("left", icon_set.get("left", 0)),
        icon.get("top", icon_set.get("top", 0)),
    )
    if left or top:
        raise SymbolError("icons with a left/top offset are not supported")
    body = apply_transform(
        prefix_ids(minify(icon["body"]), semantic_id), width, height, transform
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {fmt(width)} {fmt(height)}" '
        f'aria-hidden="true" focusable="false">{body}</svg>\n'
    )


def check_svg(text: str) -> None:
    """Parse the result as XML, so a broken file never gets written."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise SymbolError(f"generated SVG is not well-formed: {exc}") from exc
    if root.tag != "{http://www.w3.org/2000/svg}svg" or "width" in root.attrib:
        raise SymbolError("unexpected root element")


def main(argv: list[str] | None = None) -> int:
    """Read icons.json, write every mapped symbol, report what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "icons_json",
        type=Path,
        help="path to @iconify-json/fluent-emoji-flat/icons.json",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})"
    )
    args = parser.parse_args(argv)

    try:
        icon_set = json.loads(args.icons_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.icons_json}: {exc}", file=sys.stderr)
        return 1
    if not isinstance(icon_set, dict) or icon_set.get("prefix") != "fluent-emoji-flat":
        print(
            f"error: {args.icons_json} is not the fluent-emoji-flat set",
            file=sys.stderr,
        )
        return 1

    svgs: dict[str, str] = {}
    errors: list[str] = []
    for semantic_id, spec in SYMBOLS.items():
        if not SEMANTIC_ID.match(semantic_id):
            errors.append(f"{semantic_id}: not a lower-case-hyphenated id")
            continue
        try:
            text = build_svg(icon_set, semantic_id, spec)
            check_svg(text)
        except SymbolError as exc:
            errors.append(f"{semantic_id}: {exc}")
            continue
        svgs[semantic_id] = text
    if errors:
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        print(
            f"error: {len(errors)} symbol(s) could not be made; nothing written",
            file=sys.stderr,
        )
        return 1

    args.out.mkdir(parents=True, exist_ok=True)
    stale = sorted(p.name for p in args.out.glob("*.svg") if p.stem not in svgs)
    for semantic_id, text in svgs.items():
        (args.out / f"{semantic_id}.svg").write_text(text, encoding="utf-8")
    total = sum(len(t.encode()) for t in svgs.values())
    print(f"wrote {len(svgs)} symbols to {args.out} ({total} bytes)")
    if stale:
        print(
            "warning: SVGs not in the mapping (delete them if unused): "
            + ", ".join(stale),
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
