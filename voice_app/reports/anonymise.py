"""Take a child's own name and case reference out of staff-written text before it is quoted.

This catches only what it is told: the child's preferred name (whole, and each part of it) and
their case reference (with or without its separators, and its number alone). It cannot know a
surname, a sibling, a carer, a school or a street. docs/reports.md says so: read before publishing.
"""

from __future__ import annotations

import re
from functools import lru_cache

NAME, REFERENCE = "[name]", "[reference]"


def _word(pattern: str) -> str:
    # Whole words only: "Al" must not turn "Always" into "[name]ways"; "Al's" still loses "Al".
    return rf"(?<![\w]){pattern}(?![\w])"


@lru_cache(maxsize=4096)
def _patterns(name: str, reference: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    reference_parts: list[str] = []
    chunks = [re.escape(chunk) for chunk in re.split(r"[^0-9A-Za-z]+", reference.strip()) if chunk]
    if chunks:
        reference_parts.append(r"[\s/_.-]*".join(chunks))
        digits = re.sub(r"\D", "", reference)
        if len(digits) >= 4:
            reference_parts.append(re.escape(digits))
    names = [name.strip()] + [part for part in re.split(r"[\s-]+", name.strip()) if len(part) >= 2]
    # Longest first, so "Mary Jane" goes as one before "Mary" is looked for.
    names = sorted({n for n in names if n}, key=len, reverse=True)
    name_re = re.compile("|".join(_word(re.escape(n)) for n in names), re.IGNORECASE) if names else None
    ref_re = re.compile("|".join(_word(p) for p in reference_parts), re.IGNORECASE) if reference_parts else None
    return name_re, ref_re


def scrub(text: str, *, name: str, reference: str) -> str:
    """The text with the child's name replaced by "[name]" and their reference by "[reference]"."""
    name_re, ref_re = _patterns(name or "", reference or "")
    if ref_re is not None:
        text = ref_re.sub(REFERENCE, text)
    if name_re is not None:
        text = name_re.sub(NAME, text)
    return text
