"""QR codes as inline SVG, made on the server with segno (pure Python): no script, no third party."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(url: str, *, title: str, svg_id: str = "qr-code", css_class: str = "va-qr") -> Markup:
    """An accessible inline SVG QR code for a URL: role="img", labelled by its own <title>."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=4, dark="#0b0c0c", light="#ffffff", omitsize=True, svgclass=css_class, svgid=svg_id)
    title_id = f"{svg_id}-title"
    # segno writes presentation attributes only (no style=), so the page's CSP needs nothing extra.
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" ', 1)
    head_end = svg.index(">") + 1
    return Markup(f'{svg[:head_end]}<title id="{title_id}">{escape(title)}</title>{svg[head_end:]}')


def qr_svg_document(url: str, *, title: str) -> str:
    """A standalone SVG file of the QR code, for putting into letters or slides."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=10, border=4, dark="#0b0c0c", light="#ffffff", title=title).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
