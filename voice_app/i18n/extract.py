"""A Babel extractor for the question files, so their wording lands in the catalogues."""

from __future__ import annotations

import tomllib

TRANSLATED_FIELDS = ("prompt", "explain", "text_prompt", "scale_low", "scale_high")


def extract_questions(fileobj, keywords, comment_tags, options):
    """Yield (line, function, message, comments) for every child-facing string in a question file."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    data = tomllib.loads(source)

    def line_of(text: str) -> int:
        needle = text.replace("\\", "\\\\").replace('"', '\\"')
        for number, line in enumerate(lines, start=1):
            if f'"{needle}"' in line:
                return number
        return 0

    for question in data.get("question", []):
        for name in TRANSLATED_FIELDS:
            text = question.get(name)
            if text:
                yield line_of(text), "gettext", text, [f"question {question['id']}: {name}"]
        for choice in question.get("choices", []):
            yield line_of(choice["label"]), "gettext", choice["label"], [f"question {question['id']}: choice {choice['id']}"]
