"""Photos from cadres' phones: checked, stripped of EXIF (GPS included), turned upright,
re-encoded as JPEG, resized and stored under a generated name. Anything else is refused."""

import io
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # far above any phone camera; a "decompression bomb" declares more
MAX_SIDE = 1200
MAP_SIDE = 3000  # a grid's map: about 260 dpi across an A3 bulletin
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")


def clean_photo(upload, max_side=MAX_SIDE):
    """Return a fresh JPEG ContentFile made from `upload`, at most `max_side` pixels a side, or
    raise ValidationError."""
    if upload.size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The photo is larger than %(mb)s MB; choose a smaller one.")
            % {"mb": settings.PHOTO_MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload, formats=ACCEPTED_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise forms.ValidationError(_("The picture is too large to process."), code="photo_bomb") from None
    except Exception:  # Pillow raises many kinds of error for a file that is not a picture
        raise forms.ValidationError(
            _("This file is not a picture we can read. Upload a JPEG or PNG photo."), code="photo_invalid"
        ) from None
    image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    # No exif= argument: nothing is carried over. A map's lines and labels get a finer quality.
    image.save(out, format="JPEG", quality=85 if max_side <= MAX_SIDE else 92, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def picture_response(field):
    """A stored picture (a cadre's photo, a grid's map) as a private, briefly cached response; 404
    when there is none. Every picture is stored as JPEG by `clean_photo`."""
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


class PhotoField(forms.ImageField):
    """An image field whose cleaned value is the re-encoded photo (a map keeps more pixels)."""

    def __init__(self, *args, max_side=MAX_SIDE, **kwargs):
        self.max_side = max_side
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if data in self.empty_values:
            return None
        return clean_photo(data, self.max_side)

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
