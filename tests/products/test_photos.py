import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from products.models import ProductPhoto
from tests.factories import ProductFactory, product_data

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str, size=(2400, 1800), colour=(180, 90, 40), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour if mode == "RGB" else 1).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    gps = {1: "S", 2: (6.0, 8.0, 30.0), 3: "E", 4: (106.0, 9.0, 0.0)}
    exif[0x8825] = gps
    return image_bytes("JPEG", exif=exif.tobytes())


def upload(client, product, name, content, content_type="image/jpeg", **extra):
    return client.post(
        reverse("officials:photo_add", args=[product.pk]),
        {"image": SimpleUploadedFile(name, content, content_type=content_type), "caption": "Kendi", **extra},
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_jpeg_is_re_encoded_without_location_in_three_sizes(officer_a_client, settings):
    product = ProductFactory()
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get(0x8825)
    response = upload(officer_a_client, product, "kendi.jpg", jpeg_with_gps())
    assert response.status_code == 302
    photo = ProductPhoto.objects.get(product=product)
    assert photo.is_cover  # the first photo becomes the cover
    assert (photo.large_width, photo.large_height) == (1600, 1200)
    assert (photo.medium_width, photo.medium_height) == (800, 600)
    assert (photo.thumb_width, photo.thumb_height) == (320, 240)
    for field in (photo.large, photo.medium, photo.thumb):
        with Image.open(field.path) as stored:
            assert stored.format == "JPEG"
            assert not stored.getexif()
            assert "exif" not in stored.info
    assert len(stored_files(settings)) == 3  # the original is never kept


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("foto.png", "PNG", "image/png"),
        ("foto.webp", "WEBP", "image/webp"),
        ("foto.jpeg", "JPEG", "image/jpeg"),
    ],
)
def test_png_webp_and_jpeg_are_accepted(officer_a_client, name, fmt, content_type):
    product = ProductFactory()
    response = upload(officer_a_client, product, name, image_bytes(fmt, size=(640, 480)), content_type)
    assert response.status_code == 302
    assert product.photos.count() == 1


def test_a_transparent_png_is_flattened_onto_white(officer_a_client):
    product = ProductFactory()
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(buffer, format="PNG")
    upload(officer_a_client, product, "logo.png", buffer.getvalue(), "image/png")
    with Image.open(product.photos.get().thumb.path) as stored:
        assert stored.mode == "RGB"
        assert stored.getpixel((50, 50))[0] > 240


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(800, 600))
    return data[: len(data) // 2]


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bukan-foto.jpg", b"hello, this is text", "bukan foto"),
        ("rusak.jpg", truncated_jpeg(), "rusak atau tidak lengkap"),
        ("gambar.svg", svg(), "bukan foto"),
        ("surat.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "bukan foto"),
        ("ganti-nama.jpg", image_bytes("PNG", size=(300, 200)), "tidak sesuai isinya"),
        ("animasi.gif", image_bytes("GIF", size=(300, 200)), "tidak didukung"),
        ("besar.png", image_bytes("PNG", size=(8000, 6000), mode="1"), "40 megapiksel"),
        ("bom.png", image_bytes("PNG", size=(20000, 20000), mode="1"), "40 megapiksel"),
        ("berat.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "paling besar 10 MB"),
    ],
    ids=[
        "text",
        "truncated",
        "svg",
        "pdf-renamed",
        "png-renamed-jpg",
        "gif",
        "48-megapixels",
        "bomb",
        "over-10mb",
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_saved(
    officer_a_client, settings, name, content, message
):
    product = ProductFactory()
    response = upload(officer_a_client, product, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProductPhoto.objects.exists()
    assert stored_files(settings) == []


def test_a_failed_database_write_leaves_no_files(officer_a_client, settings, monkeypatch):
    product = ProductFactory()

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ProductPhoto, "save", fail)
    officer_a_client.raise_request_exception = False
    response = upload(officer_a_client, product, "kendi.jpg", image_bytes("JPEG", size=(400, 300)))
    assert response.status_code == 500
    assert stored_files(settings) == []


def test_a_new_cover_replaces_the_old_one_and_deleting_the_cover_promotes_the_next(officer_a_client):
    product = ProductFactory()
    upload(officer_a_client, product, "a.jpg", image_bytes("JPEG", size=(400, 300)))
    upload(officer_a_client, product, "b.jpg", image_bytes("JPEG", size=(400, 300)), is_cover="on")
    first, second = product.photos.order_by("pk")
    assert (first.is_cover, second.is_cover) == (False, True)
    officer_a_client.post(reverse("products:photo_set_cover", args=[first.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_cover, second.is_cover) == (True, False)
    officer_a_client.post(reverse("products:photo_delete", args=[first.pk]))
    assert list(product.photos.values_list("pk", "is_cover")) == [(second.pk, True)]


def test_an_officer_cannot_upload_to_another_kecamatans_product(officer_b_client):
    product = ProductFactory()  # in Bumijaya, Ciruas
    response = upload(officer_b_client, product, "a.jpg", image_bytes("JPEG", size=(400, 300)))
    assert response.status_code == 404
    assert not ProductPhoto.objects.exists()


def test_a_new_product_can_come_with_its_cover_photo(officer_a_client):
    data = product_data()
    data["photo-image"] = SimpleUploadedFile("kendi.jpg", image_bytes("JPEG", size=(900, 600)), "image/jpeg")
    data["photo-caption"] = "Kendi bakar"
    response = officer_a_client.post(reverse("products:product_create"), data)
    assert response.status_code == 302
    photo = ProductPhoto.objects.get()
    assert (photo.is_cover, photo.caption) == (True, "Kendi bakar")


def test_a_bad_cover_photo_keeps_the_new_product_unsaved(officer_a_client, settings):
    from products.models import Product

    data = product_data()
    data["photo-image"] = SimpleUploadedFile("kendi.jpg", b"not an image", "image/jpeg")
    response = officer_a_client.post(reverse("products:product_create"), data)
    assert response.status_code == 200
    assert "bukan foto" in response.content.decode()
    assert not Product.objects.exists()
    assert stored_files(settings) == []
