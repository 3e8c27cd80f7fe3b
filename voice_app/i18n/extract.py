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
    # Sorting mats (mats.toml): each scale's points, each mat's title and its option cards.
    for scale in data.get("scale", []):
        for point in scale.get("points", []):
            yield line_of(point["label"]), "gettext", point["label"], [f"mat scale {scale['id']}: point {point['id']}"]
    for mat in data.get("mat", []):
        yield line_of(mat["title"]), "gettext", mat["title"], [f"mat {mat['id']}: title"]
        for option in mat.get("options", []):
            yield line_of(option["label"]), "gettext", option["label"], [f"mat {mat['id']}: card {option['id']}"]
