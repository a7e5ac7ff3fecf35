"""Checking uploaded photos and turning them into the renditions the pages use.

An upload is accepted only when Pillow reads it completely as JPEG, PNG or WebP, the file name's
extension matches the content, and it is at most 10 MB and 40 megapixels. The original is never
stored: each rendition is re-encoded as JPEG from its pixels alone, converted to sRGB, so no
metadata survives: no EXIF (location included), XMP, ICC profile, JPEG comment or PNG text chunk.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG": {"jpg", "jpeg"}, "PNG": {"png"}, "WEBP": {"webp"}}
# Long edge of each rendition, in pixels: the product page, the gallery, cards and lists.
RENDITIONS = {"large": 1600, "medium": 800, "thumb": 320}
JPEG_QUALITY = 82
SRGB = ImageCms.createProfile("sRGB")


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


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Colours as the camera's profile meant them, so the profile itself can be dropped.

    A profile that cannot be read or does not fit the image is ignored (the pixels are kept as they
    are): it is dropped either way, since profiles carry free text (description, copyright)."""
    if not icc_profile or image.mode not in ("RGB", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image from the pixels alone. Pillow carries `info` (JPEG comment, EXIF, XMP, ICC
    profile, PNG text chunks) along through copy(), convert() and thumbnail(), and its JPEG writer
    writes some of it back (the comment, in particular): nothing of it may reach a rendition."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def make_renditions(image: Image.Image, stem: str) -> dict[str, Rendition]:
    """Re-encode the image at each rendition size, upright, in sRGB and without any metadata."""
    icc_profile = image.info.get("icc_profile")
    upright = _to_srgb(ImageOps.exif_transpose(image), icc_profile)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, (255, 255, 255))
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        upright = flattened
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright = _pixels_only(upright)
    renditions = {}
    for name, edge in RENDITIONS.items():
        copy = upright.copy()
        copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        copy = _pixels_only(copy)
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        renditions[name] = Rendition(
            name=name,
            content=ContentFile(buffer.getvalue(), name=f"{stem}-{name}.jpg"),
            width=copy.width,
            height=copy.height,
        )
    return renditions
