"""The regency's identity (issue 16): one profile, edited in the admin, shown in the public header and
footer, on the about and privacy pages, in the admin's branding and on printed documents; read through
the cache at no query on a warm cache, and at no extra query on a cold one."""

import io
import re
import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from regency.forms import RegencyProfileForm
from regency.models import RegencyProfile
from regency.selectors import current_profile
from tests.factories import BUMIJAYA, DesignationFactory, ProductFactory
from villages.models import Regency, Village

pytestmark = pytest.mark.django_db

AGENCY = "Dinas Koperasi, Usaha Kecil dan Menengah"


def png_upload(
    name: str = "logo.png", size: tuple[int, int] = (400, 300), **save_options
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (31, 111, 67, 255)).save(buffer, format="PNG", **save_options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def profile_data(**overrides) -> dict:
    data = {
        "regency_name": "Kabupaten Serang",
        "agency_name": AGENCY,
        "address": "Jl. Veteran No. 1, Serang",
        "phone": "(0254) 200123",
        "whatsapp": "0812-3456-0417",
        "email": "ovop@serang.example",
        "office_hours": "Senin–Jumat 08.00–16.00 WIB",
        "website": "https://ovop.serang.example/",
        "instagram": "https://www.instagram.com/contoh.ovop.serang/",
        "facebook": "",
        "youtube": "https://www.youtube.com/@contoh-ovop-serang",
        "about_id": "",
        "about_en": "",
        "privacy_id": "",
        "privacy_en": "",
    }
    return {**data, **overrides}


def save_profile(logo: bool = True, **overrides) -> RegencyProfile:
    """Through the admin's form: the one path that checks and re-encodes the logo."""
    form = RegencyProfileForm(data=profile_data(**overrides), files={"logo": png_upload()} if logo else {})
    assert form.is_valid(), form.errors
    return form.save()


@pytest.fixture
def profile():
    return save_profile()


# --- shown on the public pages ------------------------------------------------------------------------


def test_the_header_and_footer_show_the_regencys_identity(client, profile):
    html = client.get(reverse("catalogue:home")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert profile.logo.url in header and AGENCY in header and "Kabupaten Serang" in header
    for shown in [
        profile.logo.url,
        AGENCY,
        "Jl. Veteran No. 1, Serang",
        'href="tel:+62254200123"',
        "(0254) 200123",
        'href="https://wa.me/6281234560417"',
        "mailto:ovop@serang.example",
        "Senin–Jumat 08.00–16.00 WIB",
        'href="https://www.instagram.com/contoh.ovop.serang/"',
        'href="https://www.youtube.com/@contoh-ovop-serang"',
        f'href="{reverse("regency:about")}"',
        f'href="{reverse("regency:privacy")}"',
    ]:
        assert shown in footer, shown
    assert "Facebook" not in footer  # a link not given is not shown


def test_without_a_profile_the_pages_name_the_served_regency(client):
    html = client.get(reverse("catalogue:home")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert "Kabupaten Serang" in header and "<img" not in header
    assert RegencyProfile.objects.count() == 0  # reading never writes
    about = client.get(reverse("regency:about")).content.decode()
    assert "Tentang Satu Desa Satu Produk Kabupaten Serang" in about and "Oita" in about


def test_the_about_page_in_both_languages(client):
    save_profile(about_id="Program kami: gerabah dan batik.", about_en="")
    assert client.get("/tentang/").status_code == 200
    assert "Program kami: gerabah dan batik." in client.get(reverse("regency:about")).content.decode()
    translation.activate("en")  # reverse() gives the English pages' addresses (/en/...) from here
    # no English text: the Indonesian one, not an empty page
    english = client.get(reverse("regency:about")).content.decode()
    assert '<html lang="en">' in english and "Program kami: gerabah dan batik." in english
    RegencyProfile.objects.update(about_en="Our programme: pottery and batik.")
    english = client.get(reverse("regency:about")).content.decode()
    assert "Our programme: pottery and batik." in english and "Program kami" not in english


def test_the_default_texts_follow_the_language(client, profile):
    indonesian = client.get(reverse("regency:privacy")).content.decode()
    assert "Pengendali data pribadi dalam portal ini adalah " + AGENCY in indonesian
    assert "Nomor Induk Berusaha (NIB)" in indonesian and "3 × 24 jam" in indonesian
    assert "ovop@serang.example" in indonesian  # where to ask
    translation.activate("en")  # reverse() gives the English pages' addresses (/en/...) from here
    english = client.get(reverse("regency:privacy")).content.decode()
    assert "The controller of the personal data in this portal is " + AGENCY in english
    assert "Pengendali data pribadi" not in english
    assert "How the programme works" in client.get(reverse("regency:about")).content.decode()


def test_the_privacy_notice_written_by_the_dinas_replaces_the_default(client):
    save_profile(
        privacy_id="Kami menyimpan nama usaha.\n\nHubungi kami.", privacy_en="We keep business names."
    )
    html = client.get(reverse("regency:privacy")).content.decode()
    assert "<p>Kami menyimpan nama usaha.</p>" in html and "Pengendali data pribadi dalam" not in html
    translation.activate("en")  # reverse() gives the English pages' addresses (/en/...) from here
    assert "We keep business names." in client.get(reverse("regency:privacy")).content.decode()


def test_the_about_and_privacy_pages_take_no_post(client):
    assert client.post(reverse("regency:about")).status_code == 405
    assert client.post(reverse("regency:privacy")).status_code == 405


# --- printed documents and the verification page ------------------------------------------------------


def test_the_recap_prints_a_letterhead(client, dinas, profile):
    client.force_login(dinas)
    html = client.get(reverse("officials:recap"), {"tahun": "2026"}).content.decode()
    letterhead = re.search(r'<div class="regency-letterhead.*?</div>\s*</div>', html, re.S).group(0)
    assert profile.logo.url in letterhead and "Pemerintah Kabupaten Serang" in letterhead
    assert AGENCY in letterhead and "Jl. Veteran No. 1, Serang" in letterhead


def test_the_printed_certificate_carries_the_letterhead(client, dinas, profile):
    designation = DesignationFactory(approved=True)
    client.force_login(dinas)
    html = client.get(reverse("products:designation_certificate", args=[designation.pk])).content.decode()
    certificate = html[html.index('class="a4-sheet certificate') :]
    letterhead = re.search(r'<div class="regency-letterhead.*?</div>\s*</div>', certificate, re.S).group(0)
    assert (
        profile.logo.url in letterhead
        and "Pemerintah Kabupaten Serang" in letterhead
        and AGENCY in letterhead
    )


def test_the_stall_label_names_the_regency_and_its_agency(client, profile):
    product = ProductFactory(name="Gerabah Bumijaya", village=Village.objects.get(code=BUMIJAYA))
    html = client.get(reverse("catalogue:label", args=[product.slug])).content.decode()
    label = html[html.index('class="print-label') :]
    assert profile.logo.url in label and AGENCY in label and "Kabupaten Serang" in label


def test_the_verification_page_shows_who_keeps_the_register(client, profile):
    designation = DesignationFactory(approved=True)
    html = client.get(
        reverse("catalogue:verify", kwargs={"code": designation.verification_code})
    ).content.decode()
    assert "Pemerintah Kabupaten Serang" in html and profile.logo.url in html
    assert "Register dikelola oleh" in html and AGENCY in html
    unknown = client.get(reverse("catalogue:verify", kwargs={"code": uuid.uuid4()}))
    assert "ovop@serang.example" in unknown.content.decode()  # whom to ask about an unknown certificate


# --- the admin ------------------------------------------------------------------------------------------


def test_the_admin_shows_the_regencys_branding(admin_client, profile):
    html = admin_client.get(reverse("admin:index")).content.decode()
    branding = html[html.index('id="site-name"') :]
    assert profile.logo.url in branding and f"Administrasi OVOP · {AGENCY} · Kabupaten Serang" in branding
    assert "<title>Pengelolaan data Satu Desa Satu Produk | Admin OVOP Kabupaten Serang</title>" in html


def test_the_admin_dinas_saves_the_profile_with_its_logo_re_encoded(admin_client):
    upload = png_upload("lambang.png", size=(900, 600), pnginfo=_png_text("Author", "Nama Pegawai"))
    response = admin_client.post(
        reverse("admin:regency_regencyprofile_add"), {**profile_data(phone="0254-200123"), "logo": upload}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = RegencyProfile.objects.get()
    assert profile.phone == "+62254200123" and profile.whatsapp == "+6281234560417"
    assert profile.logo.name.endswith(".jpg") and (profile.logo_width, profile.logo_height) == (320, 213)
    with profile.logo.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"\xff\xd8") and b"Nama Pegawai" not in data  # a JPEG, without the text chunk


def _png_text(key: str, value: str):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "0254-ABC"),
        ("whatsapp", "(0254) 200123"),  # a fixed line has no WhatsApp
        ("instagram", "https://www.facebook.com/ovop"),
        ("facebook", "https://evil.example/facebook.com"),
        ("youtube", "https://youtube.com.evil.example/x"),
        ("email", "bukan-email"),
    ],
)
def test_the_admin_refuses_bad_contacts(admin_client, field, value):
    response = admin_client.post(reverse("admin:regency_regencyprofile_add"), profile_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not RegencyProfile.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(admin_client):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = admin_client.post(
        reverse("admin:regency_regencyprofile_add"), {**profile_data(), "logo": fake}
    )
    assert "logo" in response.context["adminform"].form.errors
    assert not RegencyProfile.objects.exists()


def test_there_is_only_one_profile_and_it_cannot_be_deleted(admin_client, profile):
    assert admin_client.get(reverse("admin:regency_regencyprofile_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:regency_regencyprofile_delete", args=[profile.pk])).status_code == 403
    )
    assert (
        admin_client.post(reverse("admin:regency_regencyprofile_delete", args=[profile.pk])).status_code
        == 403
    )
    with pytest.raises(ValidationError):
        RegencyProfile(regency_name="Kabupaten Lain", agency_name="Dinas Lain").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegencyProfile.objects.create(regency_name="Kabupaten Lain", agency_name="Dinas Lain")
    assert RegencyProfile.objects.count() == 1


def test_officials_who_are_not_admins_cannot_edit_the_profile(client, dinas, profile):
    client.force_login(dinas)
    response = client.get(reverse("admin:regency_regencyprofile_change", args=[profile.pk]))
    assert response.status_code in (302, 403)
    assert RegencyProfile.objects.get().agency_name == AGENCY


# --- cache ---------------------------------------------------------------------------------------------


def test_saving_the_profile_shows_at_once_on_cached_pages(client, admin_client, profile):
    home = reverse("catalogue:home")
    client.get(home)
    assert client.get(home)["X-Cache"] == "hit"
    response = admin_client.post(
        reverse("admin:regency_regencyprofile_change", args=[profile.pk]),
        profile_data(agency_name="Dinas Perindustrian dan Perdagangan"),
    )
    assert response.status_code == 302
    fresh = client.get(home)
    assert fresh["X-Cache"] == "miss" and "Dinas Perindustrian dan Perdagangan" in fresh.content.decode()
    assert current_profile().agency_name == "Dinas Perindustrian dan Perdagangan"


def test_a_write_that_sends_no_signal_also_clears_the_cached_profile(client, profile):
    assert current_profile().office_hours == "Senin–Jumat 08.00–16.00 WIB"
    RegencyProfile.objects.update(office_hours="Senin–Sabtu")
    assert current_profile().office_hours == "Senin–Sabtu"
    assert "Senin–Sabtu" in client.get(reverse("regency:about")).content.decode()


def test_other_writes_keep_the_cached_profile_and_a_regions_write_drops_it(
    profile, django_assert_num_queries
):
    """A page costs the same whatever was written before it: only the profile's and the regions'
    tables drop the entry (the name of a regency without a profile comes from the regions)."""
    current_profile()
    ProductFactory(name="Gerabah Baru")
    with django_assert_num_queries(0):
        current_profile()
    RegencyProfile.objects.all().delete()
    assert current_profile().agency_name == ""  # the default
    Regency.objects.filter(code="36.04").update(name="Kabupaten Serang Baru")
    assert current_profile().regency_name == "Kabupaten Serang Baru"


def test_a_drop_redis_did_not_confirm_is_retried_and_the_entry_not_trusted_meanwhile(profile):
    from core.errors import CacheUnavailable
    from regency import selectors

    current_profile()
    with mock.patch.object(cache, "delete", side_effect=CacheUnavailable("down"), create=True):
        RegencyProfile.objects.update(agency_name="Dinas Baru")
        assert selectors._unconfirmed
        # the entry with the old name is still there, and is not believed
        assert current_profile().agency_name == "Dinas Baru"
    assert current_profile().agency_name == "Dinas Baru"  # the drop went through at last
    assert not selectors._unconfirmed


def test_the_profile_costs_one_query_on_a_cold_cache_and_none_on_a_warm_one(
    profile, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the served regency, with the profile's row alongside
        cold = current_profile()
    with django_assert_num_queries(0):
        warm = current_profile()
    assert cold.agency_name == warm.agency_name == AGENCY and warm.logo.url == profile.logo.url
    assert warm.pk == profile.pk and warm.about == "" and warm.phone == "+62254200123"


def test_the_home_page_pin_holds_with_a_profile(client, profile, django_assert_num_queries):
    """The header and footer add no query: the profile comes with the served regency that every page
    asked for already (tests/catalogue pins the home page at 7 queries with a flagship)."""
    with django_assert_num_queries(6):
        # 1 village counts, 2 flagship count, 3 kecamatan with flagship counts, 4 featured flagships
        # (none: no covers asked), 5 categories with product counts, 6 the served regency with the profile
        html = client.get(reverse("catalogue:home")).content.decode()
    assert AGENCY in html


def test_the_about_page_asks_one_query_then_none(client, profile, django_assert_num_queries):
    with django_assert_num_queries(1):  # the served regency with the profile
        client.get(reverse("regency:privacy"))
    with django_assert_num_queries(0):  # the cached page
        client.get(reverse("regency:privacy"))


def test_with_redis_down_the_identity_still_shows(client, settings, profile):
    settings.CACHES = {
        "default": {
            "BACKEND": "ovop_portal.cache_backends.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in [reverse("catalogue:home"), reverse("regency:about"), reverse("regency:privacy")]:
        response = client.get(url)
        assert response.status_code == 200 and AGENCY in response.content.decode(), url
    assert current_profile().agency_name == AGENCY


# --- demo -------------------------------------------------------------------------------------------------


def test_the_demo_sets_the_served_regencys_profile_once(settings):
    from seeding.demo.identity import demo_identity_create

    assert demo_identity_create() == 1
    profile = RegencyProfile.objects.get()
    assert profile.regency_name == "Kabupaten Serang" and "Koperasi" in profile.agency_name
    assert "contoh" in profile.address and profile.logo.name.endswith(".jpg")
    assert demo_identity_create() == 0 and RegencyProfile.objects.count() == 1


def test_the_demo_for_bangka_barat_names_its_disperindagkop(settings):
    from seeding.demo.identity import demo_identity_create

    settings.OVOP_REGENCY_CODE = "19.05"
    assert demo_identity_create() == 1
    profile = RegencyProfile.objects.get()
    assert profile.regency_name == "Kabupaten Bangka Barat"
    assert profile.agency_name == "Dinas Perindustrian, Perdagangan, Koperasi dan UKM"
    settings.OVOP_REGENCY_CODE = "11.01"
    RegencyProfile.objects.all().delete()
    assert demo_identity_create() == 0  # no demo for a regency the demo does not know
