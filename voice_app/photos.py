"""A photo (an IRO's, or a child's own on a sorting mat), checked and re-encoded so that nothing but the picture is kept (no location, no camera data)."""

from __future__ import annotations

import io
import warnings

from flask import abort, make_response
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Camera photos are up to about 50 megapixels; anything larger is refused before it is decoded.
MAX_PIXELS = 50_000_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
SIZE = 480  # the longest side kept, in pixels: plenty for a tablet and a printed letter


class PhotoProblem(ValueError):
    """The upload cannot be used; the message is written for the IRO."""


def clean_photo(data: bytes) -> bytes:
    """A JPEG of at most SIZE pixels made from an uploaded JPEG, PNG or WebP, with all metadata gone."""
    if not data:
        raise PhotoProblem("Choose a photo to upload.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoProblem("The photo must be smaller than 5 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise PhotoProblem("The photo must be a JPEG, PNG or WebP file.")
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoProblem("The photo is too large. Use one under 50 megapixels.")
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the photo the right way up once EXIF is gone
                picture = upright.convert("RGB")
    except PhotoProblem:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as exc:
        raise PhotoProblem("That file is not a photo we can read. Use a JPEG, PNG or WebP file.") from exc
    picture.thumbnail((SIZE, SIZE))
    out = io.BytesIO()
    # A fresh image carries no EXIF, XMP, ICC or comments: only pixels are written.
    bare = Image.new("RGB", picture.size)
    bare.paste(picture)
    bare.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def smaller(data: bytes, *, size: int = 320, quality: int = 70) -> bytes:
    """A lighter copy of a photo already cleaned by clean_photo (for the offline pack): at most `size` pixels."""
    with Image.open(io.BytesIO(data)) as image:
        picture = image.convert("RGB")
    picture.thumbnail((size, size))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def photo_response(data: bytes | None):
    """A photo for people allowed to see it, never cached by shared caches or kept on the device."""
    if data is None:
        abort(404)
    response = make_response(data)
    response.mimetype = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
