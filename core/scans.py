"""Checking uploaded legality scans: the whole file must be the PDF, JPEG or PNG it claims to be.

Checking only the first bytes let through a `.jpg` whose body was an HTML page. Images are decoded
completely by Pillow (`verify()` then a full `load()`) and must end where their format ends; PDFs
get a structural check (header, a `startxref` offset that points at a cross-reference table or
stream, and `%%EOF` at the end). No PDF library is used: the structure check rejects the truncated,
mislabelled and disguised files seen in practice, and parsing hostile PDFs fully would add a large
dependency to the request path. The extension must name the type found in the content.
"""

import io
import re
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_MAX_PIXELS = 80_000_000  # an A4 page scanned at 600 dpi is ~35 megapixels
EXTENSIONS = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
STORED_EXTENSION = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
# Trailing bytes some scanners and mailers add after a file's end.
PADDING = b"\x00\r\n\t\f "
PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
PDF_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
PDF_XREF_TABLE = re.compile(rb"(?<![A-Za-z])xref\s")
PDF_XREF_STREAM = re.compile(rb"\d+\s+\d+\s+obj\s*<<.*?/Type\s*/XRef", re.DOTALL)
PNG_END = b"IEND\xaeB`\x82"


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_scan")


def _content_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _check_pdf(data: bytes) -> None:
    broken = _refuse(
        _(
            "Pindaian harus berkas PDF, JPEG atau PNG yang utuh: berkas PDF ini rusak atau tidak "
            "lengkap. Unggah ulang berkas aslinya."
        )
    )
    if not PDF_HEADER.match(data):
        raise broken
    tail = data[-2048:].rstrip(PADDING)
    match = PDF_STARTXREF.search(tail)
    if not match:
        raise broken
    offset = int(match.group(1))
    if not 0 < offset < len(data):
        raise broken
    # Writers are sometimes off by a few bytes, which readers tolerate: so does this check.
    start = max(0, offset - 32)
    near = data[start : offset + 4096]
    table = PDF_XREF_TABLE.search(near[:80])
    stream = PDF_XREF_STREAM.search(near)
    if not table and not (stream and stream.start() < 72):
        raise broken
    if b"obj" not in data or b"endobj" not in data:
        raise broken


def _check_image(data: bytes, kind: str) -> None:
    broken = _refuse(
        _(
            "Pindaian harus berkas PDF, JPEG atau PNG yang utuh: gambar ini rusak atau tidak lengkap. "
            "Unggah ulang berkas aslinya."
        )
    )
    expected_format = {"jpeg": "JPEG", "png": "PNG"}[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected_format:
                    raise broken
                width, height = image.size
                if width * height > SCAN_MAX_PIXELS:
                    raise _refuse(_("Resolusi pindaian terlalu besar: paling banyak 80 megapiksel."))
                image.verify()
            # verify() leaves the image unusable: decode every pixel from a fresh reader.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("Resolusi pindaian terlalu besar: paling banyak 80 megapiksel.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None
    # Pillow stops at the image's end: whatever follows (an HTML page, a script) is not the image.
    end = data.rstrip(PADDING)
    if kind == "jpeg" and not end.endswith(b"\xff\xd9"):
        raise broken
    if kind == "png" and not end.endswith(PNG_END):
        raise broken


def validate_scan(upload: UploadedFile) -> str:
    """Return the scan's kind ("pdf", "jpeg" or "png"), or raise ValidationError for the user."""
    if upload.size is not None and upload.size > SCAN_MAX_BYTES:
        raise _refuse(_("Berkas terlalu besar: paling besar 10 MB."))
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise _refuse(_("Pindaian harus berkas PDF, JPEG atau PNG (.pdf, .jpg, .jpeg atau .png)."))
    upload.seek(0)
    data = upload.read(SCAN_MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > SCAN_MAX_BYTES:
        raise _refuse(_("Berkas terlalu besar: paling besar 10 MB."))
    kind = _content_kind(data)
    if kind is None:
        raise _refuse(_("Pindaian harus berkas PDF, JPEG atau PNG: isi berkas ini bukan salah satunya."))
    if kind != EXTENSIONS[extension]:
        raise _refuse(
            _("Pindaian harus berkas PDF, JPEG atau PNG yang sesuai dengan nama berkasnya: isinya %(kind)s.")
            % {"kind": kind.upper()}
        )
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return kind


def validate_scan_upload(value) -> None:
    """Model-field validator, so the admin and scripts get the same check as the officials' form."""
    if getattr(value, "_committed", True):
        return  # already stored: it was checked when it was uploaded
    validate_scan(value.file)


def scan_file_name(kind: str) -> str:
    """A random name that says nothing about the document or its holder."""
    return f"{uuid.uuid4().hex}.{STORED_EXTENSION[kind]}"


def content_type_for(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(EXTENSIONS.get(extension, ""), "application/octet-stream")
