"""Take a child's own name and case reference out of staff-written text before it is quoted.

This catches only what it is told: each word of the child's preferred name (whole words, any
case) and their case reference (with or without its separators, or its number alone). It cannot know
a surname, a nickname, a sibling, a carer, a school or a street, and a name that is also a common
word ("May", "Hope") goes wherever that word is. docs/reports.md says so: read before publishing.
"""

from __future__ import annotations

import re

NAME, REFERENCE = "[name]", "[reference]"
# Compiled once: thousands of texts, each about a different child, must not compile a pattern each.
_WORD = re.compile(r"\w+")
_SEPARATOR = re.compile(r"[\s/_.-]*")


def _reference_spans(text: str, reference: str) -> list[tuple[int, int]]:
    """Where the reference is written: its parts with any separators (or none), or its number alone."""
    whole = "".join(_WORD.findall(reference)).casefold()
    digits = "".join(ch for ch in reference if ch.isdigit())
    tokens = [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while whole and i < len(tokens):
        joined, end = "", None
        for j in range(i, len(tokens)):
            if j > i and not _SEPARATOR.fullmatch(text[tokens[j - 1][1] : tokens[j][0]]):
                break
            joined += tokens[j][2]
            if joined == whole:
                end = j
                break
            if not whole.startswith(joined):
                break
        if end is None and len(digits) >= 4 and tokens[i][2] == digits:  # "7" alone would hit every 7
            end = i
        if end is not None:
            spans.append((tokens[i][0], tokens[end][1]))
            i = end + 1
        else:
            i += 1
    return spans


def scrub(text: str, *, name: str, reference: str) -> str:
    """The text with the child's name replaced by "[name]" and their reference by "[reference]"."""
    folded = text.casefold()
    # Cheap look first: most texts hold neither, and tokenising every one would cost more than this.
    reference_parts = [part.casefold() for part in _WORD.findall(reference or "")]
    if reference_parts and any(part in folded for part in reference_parts):
        for start, end in reversed(_reference_spans(text, reference)):
            text = text[:start] + REFERENCE + text[end:]
    parts = {part.casefold() for part in _WORD.findall(name or "") if len(part) >= 2}
    if parts and any(part in folded for part in parts):
        text = _WORD.sub(lambda match: NAME if match.group(0).casefold() in parts else match.group(0), text)
    return text
