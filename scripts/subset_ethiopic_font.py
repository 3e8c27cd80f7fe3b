"""Make the web font for Tigrinya: Noto Sans Ethiopic cut down to the characters voice-app shows.

    .venv/bin/python scripts/subset_ethiopic_font.py

Linux and kiosk tablets often have no Ethiopic font, so Tigrinya (and "ትግርኛ" in every language chooser)
would show as empty boxes. This writes two WOFF2 files into static/fonts/ from the full font in
voice_app/data/fonts/ (the one the PDFs use), with fontTools (and brotli for WOFF2), both locked dependencies:

  - NotoSansEthiopic-names.woff2: only the letters of the language's own name, "ትግርኛ", which every language
    chooser shows: a page in any language downloads this small file and nothing more;
  - NotoSansEthiopic-ti.woff2: every other Ethiopic character in the catalogues, downloaded only by pages
    that use one (in practice, pages in Tigrinya).

It also rewrites the @font-face rules between the "ethiopic font" markers in static/css/child.css and
static/css/staff.css: the small file's unicode-range lists exactly its letters, the other's the Ethiopic
blocks, so a browser fetches a file only when a page shows one of its characters. Run it again after the Tigrinya catalogue
changes; tests/test_fonts.py fails until you do. The output is the same every time for the same input.
"""

from __future__ import annotations

import re
import sys
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice_app.i18n import BY_CODE  # noqa: E402

SOURCE = ROOT / "voice_app" / "data" / "fonts" / "NotoSansEthiopic-Regular.ttf"
FONTS = ROOT / "static" / "fonts"
NAMES_FONT = FONTS / "NotoSansEthiopic-names.woff2"
TEXT_FONT = FONTS / "NotoSansEthiopic-ti.woff2"
STYLESHEETS = (ROOT / "static" / "css" / "child.css", ROOT / "static" / "css" / "staff.css")
FAMILY = "VA Noto Sans Ethiopic"
# Ethiopic, Ethiopic Supplement, Ethiopic Extended and Extended-A.
ETHIOPIC = re.compile("[\u1200-\u139f\u2d80-\u2ddf\uab00-\uab2f]")
START, END = "/* ethiopic font: made by scripts/subset_ethiopic_font.py */", "/* end of ethiopic font */"


def catalogue_characters() -> set[str]:
    """Every Ethiopic character in the translations and in the app's own words (language names, forms)."""
    found: set[str] = set()
    sources = [*ROOT.glob("translations/*/LC_MESSAGES/messages.po"), *ROOT.glob("voice_app/**/*.py"),
               *ROOT.glob("voice_app/**/*.toml"), *ROOT.glob("templates/**/*.html")]
    for path in sorted(sources):
        found.update(ETHIOPIC.findall(path.read_text(encoding="utf-8")))
    return found


def name_characters() -> set[str]:
    return set(ETHIOPIC.findall(BY_CODE["ti"].native_name))


def unicode_range(characters: set[str]) -> str:
    """`U+1200-1203, U+1208`: the characters as CSS unicode-range, runs joined."""
    points = sorted(ord(c) for c in characters)
    runs: list[list[int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def make_subset(characters: set[str]) -> bytes:
    """WOFF2 bytes of the source font with only these characters (and what shaping them needs)."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    # Copyright, names, version and the licence's address; the licence's full text is static/fonts/LICENSE,
    # beside the files (the OFL allows either), which keeps the small file small.
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 14]
    options.notdef_outline = True
    options.hinting = False  # screens of phones and tablets do not use TrueType hinting
    font = TTFont(SOURCE, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    out = BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=True)
    return out.getvalue()


# The whole of the Ethiopic blocks for the catalogue's file: shorter CSS than listing its letters, and a letter
# it lacks (in words a child typed) falls through to the next font in the stack.
ETHIOPIC_RANGE = "U+1200-139F, U+2D80-2DDF, U+AB00-AB2F"


def font_face_css(names: set[str]) -> str:
    """The two @font-face rules. Where unicode-ranges overlap a browser takes the face declared last, so the
    name's letters come from the small file alone and a page showing only "ትግርኛ" downloads nothing else."""
    rules = []
    for path, unicodes in ((TEXT_FONT, ETHIOPIC_RANGE), (NAMES_FONT, unicode_range(names))):
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; src: url(../fonts/{path.name}) format("woff2"); '
            f"font-display: swap; unicode-range: {unicodes}; }}"
        )
    return "\n".join([START, *rules, END])


def write_css(block: str) -> None:
    for sheet in STYLESHEETS:
        css = sheet.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
        css = pattern.sub(lambda _m: block, css) if pattern.search(css) else f"{block}\n{css}"
        sheet.write_text(css, encoding="utf-8")


def main() -> int:
    names = name_characters()
    text = catalogue_characters() - names
    FONTS.mkdir(exist_ok=True)
    for path, characters in ((NAMES_FONT, names), (TEXT_FONT, text)):
        path.write_bytes(make_subset(characters))
        print(f"{path.relative_to(ROOT)}: {len(characters)} characters, {path.stat().st_size:,} bytes")
    write_css(font_face_css(names))
    print("@font-face rules written to " + ", ".join(str(s.relative_to(ROOT)) for s in STYLESHEETS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
