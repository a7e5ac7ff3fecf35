"""Checking uploaded photos and turning them into the renditions the pages use.

An upload is accepted only when Pillow reads it completely as JPEG, PNG or WebP, the file name's
extension matches the content, and it is at most 10 MB and 40 megapixels. The original is never
stored: each rendition is re-encoded as JPEG without any metadata (EXIF location included).
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}}
# Long edge of each rendition, in pixels: the product page, the gallery, cards and lists.
RENDITIONS = {"large": 1600, "medium": 800, "thumb": 320}
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Rendition:
    name: str
    content: ContentFile
    width: int
    height: int


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_image")


def validate_photo(upload: UploadedFile) -> Image.Image:
    """Return the fully decoded image, or raise ValidationError with a message for the user."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(_("Foto terlalu besar: paling besar 10 MB."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("Foto terlalu besar: paling besar 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise _refuse(_("Format foto tidak didukung. Gunakan JPEG, PNG atau WebP."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(_("Resolusi foto terlalu besar: paling banyak 40 megapiksel."))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("Resolusi foto terlalu besar: paling banyak 40 megapiksel.")) from None
    except UnidentifiedImageError:
        raise _refuse(_("Berkas ini bukan foto. Gunakan JPEG, PNG atau WebP.")) from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(_("Foto rusak atau tidak lengkap. Coba unggah ulang.")) from None
    if extension not in ALLOWED_FORMATS[image.format]:
        raise _refuse(
            _("Nama berkas tidak sesuai isinya: isinya %(format)s. Unggah berkas aslinya.")
            % {"format": image.format}
        )
    return image


def make_renditions(image: Image.Image, stem: str) -> dict[str, Rendition]:
    """Re-encode the image at each rendition size, upright and without metadata."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, (255, 255, 255))
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        upright = flattened
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    renditions = {}
    for name, edge in RENDITIONS.items():
        copy = upright.copy()
        copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        renditions[name] = Rendition(
            name=name,
            content=ContentFile(buffer.getvalue(), name=f"{stem}-{name}.jpg"),
            width=copy.width,
            height=copy.height,
        )
    return renditions
