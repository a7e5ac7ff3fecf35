"""Every stored rendition is pixels only: no EXIF, XMP, ICC profile, JPEG comment or PNG text survives
re-encoding, whichever pipeline stored it (product photos, a new product's cover, visit photos)."""

import io
import struct
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageCms, PngImagePlugin

from assistance.models import VisitPhoto
from products.models import Product, ProductPhoto
from tests.factories import ProductFactory, product_data, visit_data

pytestmark = pytest.mark.django_db

MARK = "<img src=x onerror=alert('jejak')>"
XMP_NAMESPACE = b"http://ns.adobe.com/xap/1.0/\x00"
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def picture(size=(900, 600)) -> Image.Image:
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((30, 60, 200), (100, 100, 400, 300))
    return image


def with_xmp(jpeg: bytes) -> bytes:
    """An APP1 XMP segment right after SOI, as cameras and editors write it."""
    packet = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f"<rdf:Description><dc:description>{MARK}</dc:description></rdf:Description>"
        "</x:xmpmeta><?xpacket end='w'?>"
    ).encode()
    payload = XMP_NAMESPACE + packet
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def jpeg_with_everything() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = MARK  # ImageDescription
    exif[0x8825] = {1: "S", 2: (6.0, 8.0, 30.0), 3: "E", 4: (106.0, 9.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    picture().save(buffer, format="JPEG", comment=MARK, exif=exif.tobytes(), icc_profile=SRGB_ICC)
    return with_xmp(buffer.getvalue())


def png_with_text_chunks() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARK)  # tEXt
    info.add_text("Description", MARK, zip=True)  # zTXt
    info.add_itxt("Title", MARK, lang="id", tkey="Judul")  # iTXt
    info.add_itxt("XML:com.adobe.xmp", MARK)
    buffer = io.BytesIO()
    picture().save(buffer, format="PNG", pnginfo=info, icc_profile=SRGB_ICC)
    return buffer.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers


def assert_pixels_only(path: Path) -> None:
    data = path.read_bytes()
    assert MARK.encode() not in data
    for trace in (b"Exif\x00\x00", XMP_NAMESPACE, b"adobe:ns:meta", b"acsp", b"ICC_PROFILE", b"jejak"):
        assert trace not in data, (path.name, trace)
    markers = jpeg_segments(data)
    assert 0xFE not in markers, "a JPEG comment (COM) survived"
    assert not {m for m in markers if 0xE1 <= m <= 0xEF}, f"an APPn block survived: {markers}"
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(stored.info)


def test_the_crafted_uploads_really_carry_every_kind_of_metadata():
    """The test is only as good as its inputs: each block is present before the upload."""
    jpeg = jpeg_with_everything()
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.info["comment"] == MARK.encode()
        assert image.getexif()[0x010E] == MARK
        assert image.info["icc_profile"] == SRGB_ICC
        assert MARK in image.info["xmp"].decode()
    assert 0xFE in jpeg_segments(jpeg)
    png = png_with_text_chunks()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"iCCP"):
        assert chunk in png
    with Image.open(io.BytesIO(png)) as image:
        assert image.text["Comment"] == MARK


def jpeg_with_a_comment_only() -> bytes:
    """No profile to convert, so nothing but the metadata stripping itself can remove the comment."""
    buffer = io.BytesIO()
    picture().save(buffer, format="JPEG", comment=MARK)
    return buffer.getvalue()


UPLOADS = {
    "jpeg": ("kendi.jpg", jpeg_with_everything),
    "jpeg-comment-only": ("kendi.jpeg", jpeg_with_a_comment_only),
    "png": ("kendi.png", png_with_text_chunks),
}


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_a_product_photos_renditions_keep_no_metadata(officer_a_client, kind):
    name, make = UPLOADS[kind]
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("officials:photo_add", args=[product.pk]), {"image": SimpleUploadedFile(name, make())}
    )
    assert response.status_code == 302
    photo = ProductPhoto.objects.get()
    for rendition in (photo.large, photo.medium, photo.thumb):
        assert_pixels_only(Path(rendition.path))


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_a_new_products_cover_keeps_no_metadata(officer_a_client, kind):
    name, make = UPLOADS[kind]
    data = {**product_data(name="Kendi Baru"), "photo-image": SimpleUploadedFile(name, make())}
    response = officer_a_client.post(reverse("products:product_create"), data)
    assert response.status_code == 302
    photo = Product.objects.get(name="Kendi Baru").photos.get()
    for rendition in (photo.large, photo.medium, photo.thumb):
        assert_pixels_only(Path(rendition.path))


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_a_visit_photos_renditions_keep_no_metadata(officer_a_client, kind):
    name, make = UPLOADS[kind]
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        visit_data(visited_on=timezone.localdate().isoformat(), photos=[SimpleUploadedFile(name, make())]),
    )
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    for rendition in (photo.image, photo.thumb):
        assert_pixels_only(Path(rendition.path))


def test_colours_of_a_photo_with_a_profile_are_kept_when_the_profile_is_dropped(officer_a_client):
    """The profile is applied to the pixels (sRGB), then dropped: the colours do not shift."""
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("officials:photo_add", args=[product.pk]),
        {"image": SimpleUploadedFile("kendi.jpg", jpeg_with_everything())},
    )
    assert response.status_code == 302
    with Image.open(ProductPhoto.objects.get().large.path) as stored:
        red, green, blue = stored.convert("RGB").getpixel((10, 10))
    assert abs(red - 200) < 12 and abs(green - 120) < 12 and abs(blue - 40) < 12
