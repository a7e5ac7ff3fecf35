"""Potential exploration (issue 15, item 2): what a visit found in a village without a product, its
candidate products, a candidate registered as a product in one step, and the villages-without-a-product
list with each village's exploration state."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assistance import services
from assistance.models import Exploration, ExplorationCandidate, ExplorationPhoto
from core.errors import Refused
from products.models import Category, Product
from tests.factories import (
    BUMIJAYA,
    CIRUAS,
    KRAMATWATU,
    DesignationFactory,
    ProductFactory,
    product_data,
)
from villages.models import Village

pytestmark = pytest.mark.django_db


def _bare_villages(district: str, n: int) -> list[Village]:
    """Villages of the kecamatan with no product at all, in code order."""
    return list(Village.objects.filter(district_id=district, products__isnull=True).order_by("code")[:n])


@pytest.fixture
def village():
    return _bare_villages(CIRUAS, 1)[0]


@pytest.fixture
def kerajinan():
    return Category.objects.get(slug="kerajinan")


def make_exploration(village, officer, *candidates, **fields) -> Exploration:
    exploration = Exploration.objects.create(
        village=village,
        explored_on=fields.pop("explored_on", datetime.date(2026, 3, 10)),
        explored_by=officer,
        raw_materials=fields.pop("raw_materials", "Tanah liat, bambu"),
        **fields,
    )
    for name, category in candidates:
        ExplorationCandidate.objects.create(exploration=exploration, name=name, category=category)
    return exploration


def photo_upload(name: str = "sawah.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def exploration_data(**overrides) -> dict:
    data = {
        "explored_on": "2026-03-10",
        "participants": "Kepala desa, ketua PKK",
        "raw_materials": "Tanah liat di tepi sungai",
        "skills": "Ibu-ibu terampil menganyam",
        "home_businesses": "Tiga rumah membuat keripik",
        "market_ideas": "Oleh-oleh di rest area tol",
        "next_step": "Pelatihan kemasan",
        "next_step_due": "2026-05-01",
        "kandidat-TOTAL_FORMS": "2",
        "kandidat-INITIAL_FORMS": "0",
        "kandidat-MIN_NUM_FORMS": "0",
        "kandidat-MAX_NUM_FORMS": "10",
        "kandidat-0-name": "Keripik pisang",
        "kandidat-0-category": str(Category.objects.get(slug="makanan-olahan").pk)
        if Category.objects.filter(slug="makanan-olahan").exists()
        else str(Category.objects.order_by("pk").first().pk),
        "kandidat-0-notes": "Pisang melimpah",
        "kandidat-1-name": "",
        "kandidat-1-category": "",
        "kandidat-1-notes": "",
    }
    return data | overrides


# --- recording and editing ----------------------------------------------------------------------------


def test_officer_records_an_exploration_with_a_candidate_and_a_photo(officer_a, officer_a_client, village):
    data = exploration_data(photos=photo_upload())
    response = officer_a_client.post(reverse("assistance:exploration_create", args=[village.code]), data)

    exploration = Exploration.objects.get(village=village)
    assert response.status_code == 302
    assert response.url == reverse("assistance:exploration_detail", args=[exploration.pk])
    assert exploration.explored_by == officer_a
    assert exploration.participants == "Kepala desa, ketua PKK"
    assert [c.name for c in exploration.candidates.all()] == ["Keripik pisang"]
    photo = ExplorationPhoto.objects.get(exploration=exploration)
    assert photo.thumb_width <= 320
    assert exploration.history.count() == 1

    page = officer_a_client.get(response.url).content.decode()
    assert "Tanah liat di tepi sungai" in page
    assert "Keripik pisang" in page
    assert "Daftarkan sebagai produk" in page
    assert "Kepala desa, ketua PKK" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"raw_materials": "", "skills": "", "home_businesses": "", "market_ideas": ""},
            "Catat sedikitnya satu temuan",
        ),
        ({"explored_on": "2099-01-01", "next_step_due": ""}, "tidak boleh di masa depan"),
        ({"next_step_due": "2026-01-01"}, "Batas waktu tidak boleh sebelum tanggal penggalian"),
        ({"next_step": "", "next_step_due": "2026-05-01"}, "Tuliskan langkah berikutnya"),
        ({"explored_on": "kemarin"}, "Masukkan tanggal yang valid"),
        ({"kandidat-0-category": "bukan-angka"}, "Masukkan pilihan yang valid"),
        ({"kandidat-0-category": "9" * 30}, "Masukkan pilihan yang valid"),
        ({"kandidat-0-name": ""}, "Bidang ini tidak boleh kosong"),
    ],
)
def test_bad_exploration_input_is_refused_with_a_clear_message(officer_a_client, village, overrides, message):
    response = officer_a_client.post(
        reverse("assistance:exploration_create", args=[village.code]), exploration_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Exploration.objects.filter(village=village).exists()


def test_a_file_that_is_not_a_photo_is_refused(officer_a_client, village):
    fake = SimpleUploadedFile("foto.jpg", b"bukan foto", content_type="image/jpeg")
    response = officer_a_client.post(
        reverse("assistance:exploration_create", args=[village.code]), exploration_data(photos=fake)
    )
    assert response.status_code == 200
    assert "bukan foto" in response.content.decode().lower()
    assert not Exploration.objects.exists()


def test_a_dinas_edit_keeps_who_explored_and_is_kept_in_history(officer_a, dinas_client, village, kerajinan):
    exploration = make_exploration(village, officer_a, ("Anyaman bambu", kerajinan))
    candidate = exploration.candidates.get()
    data = exploration_data(
        **{
            "row_version": str(exploration.row_version),
            "kandidat-TOTAL_FORMS": "1",
            "kandidat-INITIAL_FORMS": "1",
            "kandidat-0-id": str(candidate.pk),
            "kandidat-0-exploration": str(exploration.pk),
            "kandidat-0-name": "Anyaman bambu halus",
            "kandidat-0-category": str(kerajinan.pk),
        }
    )
    response = dinas_client.post(reverse("assistance:exploration_update", args=[exploration.pk]), data)
    assert response.status_code == 302
    exploration.refresh_from_db()
    assert exploration.explored_by == officer_a
    assert exploration.skills == "Ibu-ibu terampil menganyam"
    assert exploration.row_version == 2
    assert exploration.history.count() == 2
    assert exploration.candidates.get().name == "Anyaman bambu halus"


def test_an_edit_over_someone_elses_change_is_reported_not_saved(officer_a, officer_a_client, village):
    exploration = make_exploration(village, officer_a)
    seen = exploration.row_version
    exploration.next_step = "Diubah orang lain"
    exploration.save()
    data = exploration_data(
        **{"row_version": str(seen), "kandidat-TOTAL_FORMS": "0", "next_step": "Versi saya"}
    )
    response = officer_a_client.post(reverse("assistance:exploration_update", args=[exploration.pk]), data)
    assert response.status_code == 200
    assert "sudah diubah orang lain" in response.content.decode()
    exploration.refresh_from_db()
    assert exploration.next_step == "Diubah orang lain"


def test_a_registered_candidate_cannot_be_deleted_from_the_form(
    officer_a, officer_a_client, village, kerajinan
):
    exploration = make_exploration(village, officer_a, ("Anyaman", kerajinan))
    candidate = exploration.candidates.get()
    product = ProductFactory(name="Anyaman", village=village)
    services.candidate_link(candidate=candidate, product=product)
    data = exploration_data(
        **{
            "row_version": str(exploration.row_version),
            "kandidat-TOTAL_FORMS": "1",
            "kandidat-INITIAL_FORMS": "1",
            "kandidat-0-id": str(candidate.pk),
            "kandidat-0-exploration": str(exploration.pk),
            "kandidat-0-name": "Anyaman",
            "kandidat-0-category": str(kerajinan.pk),
            "kandidat-0-DELETE": "on",
        }
    )
    response = officer_a_client.post(reverse("assistance:exploration_update", args=[exploration.pk]), data)
    assert response.status_code == 200
    assert "tidak dapat dihapus" in response.content.decode()
    assert ExplorationCandidate.objects.filter(pk=candidate.pk, product=product).exists()


# --- who may not ---------------------------------------------------------------------------------------


def test_officer_of_another_kecamatan_gets_404_by_typed_url(officer_a, officer_b_client, village, kerajinan):
    exploration = make_exploration(village, officer_a, ("Anyaman", kerajinan))
    candidate = exploration.candidates.get()
    for url in [
        reverse("assistance:exploration_create", args=[village.code]),
        reverse("assistance:exploration_detail", args=[exploration.pk]),
        reverse("assistance:exploration_update", args=[exploration.pk]),
        reverse("officials:candidate_register", args=[candidate.pk]),
    ]:
        assert officer_b_client.get(url).status_code == 404, url
    response = officer_b_client.post(
        reverse("officials:candidate_register", args=[candidate.pk]), product_data(village=village.code)
    )
    assert response.status_code == 404
    assert not Product.objects.filter(village=village).exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, officer_a, village, kerajinan):
    exploration = make_exploration(village, officer_a, ("Anyaman", kerajinan))
    for url in [
        reverse("assistance:exploration_villages"),
        reverse("assistance:exploration_create", args=[village.code]),
        reverse("assistance:exploration_detail", args=[exploration.pk]),
        reverse("officials:candidate_register", args=[exploration.candidates.get().pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_kramatwatu_officer_does_not_see_ciruas_villages_in_the_list(officer_b_client):
    page = officer_b_client.get(reverse("assistance:exploration_villages")).content.decode()
    ciruas = _bare_villages(CIRUAS, 1)[0]
    kramatwatu = _bare_villages(KRAMATWATU, 1)[0]
    assert kramatwatu.code in page
    assert ciruas.code not in page


# --- a candidate becomes a product in one step ------------------------------------------------------


def test_a_candidate_becomes_a_product_in_one_step_and_is_linked(
    officer_a, officer_a_client, village, kerajinan
):
    exploration = make_exploration(
        village,
        officer_a,
        ("Celengan gerabah", kerajinan),
        skills="Perajin tanah liat turun-temurun",
        market_ideas="Toko oleh-oleh",
    )
    candidate = exploration.candidates.get()
    candidate.notes = "Bentuk hewan"
    candidate.save()
    url = reverse("officials:candidate_register", args=[candidate.pk])

    form = officer_a_client.get(url).context["form"]
    assert form.initial["name"] == "Celengan gerabah"
    assert form.initial["village"] == village.code
    assert form.initial["category"] == kerajinan.pk
    assert "Bentuk hewan" in form.initial["story"]
    assert "Perajin tanah liat turun-temurun" in form.initial["story"]
    assert form.initial["raw_materials"] == "Tanah liat, bambu"

    response = officer_a_client.post(
        url, product_data(name="Celengan gerabah", village=village.code, category=kerajinan.pk)
    )
    product = Product.objects.get(village=village, name="Celengan gerabah")
    assert response.status_code == 302
    assert response.url == product.get_absolute_url()
    candidate.refresh_from_db()
    assert candidate.product == product

    # Registered once: the button now leads to the product, and the village list says so.
    again = officer_a_client.get(url)
    assert again.status_code == 302
    assert again.url == product.get_absolute_url()
    detail = officer_a_client.get(reverse("assistance:exploration_detail", args=[exploration.pk]))
    assert "Daftarkan sebagai produk" not in detail.content.decode()


def test_a_refused_product_form_links_nothing(officer_a, officer_a_client, village, kerajinan):
    candidate = make_exploration(village, officer_a, ("Celengan", kerajinan)).candidates.get()
    response = officer_a_client.post(
        reverse("officials:candidate_register", args=[candidate.pk]),
        product_data(name="", village=village.code),
    )
    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.product is None


def test_a_refused_link_undoes_the_new_product(officer_a, officer_a_client, village, kerajinan, monkeypatch):
    """The link is part of the product's transaction: when it is refused (another official registered
    the candidate between the check and the save), the new product is not kept and the form says why."""
    candidate = make_exploration(village, officer_a, ("Celengan", kerajinan)).candidates.get()

    def linked_meanwhile(**kwargs):
        raise Refused("Calon produk Celengan sudah terdaftar sebagai produk lain.")

    monkeypatch.setattr("officials.views.candidate_link", linked_meanwhile)
    response = officer_a_client.post(
        reverse("officials:candidate_register", args=[candidate.pk]),
        product_data(name="Celengan kedua", village=village.code, category=kerajinan.pk),
    )
    assert response.status_code == 200
    assert "sudah terdaftar sebagai produk lain" in response.content.decode()
    assert not Product.objects.filter(name="Celengan kedua").exists()


def test_linking_refuses_a_product_of_another_village_or_a_second_product(officer_a, village, kerajinan):
    candidate = make_exploration(village, officer_a, ("Celengan", kerajinan)).candidates.get()
    with pytest.raises(Refused, match="bukan dari desa"):
        services.candidate_link(candidate=candidate, product=ProductFactory())  # Bumijaya
    first = ProductFactory(village=village)
    services.candidate_link(candidate=candidate, product=first)
    with pytest.raises(Refused, match="sudah terdaftar"):
        services.candidate_link(candidate=candidate, product=ProductFactory(village=village))


# --- the villages without a product ---------------------------------------------------------------------


def test_the_list_shows_each_villages_exploration_state(officer_a, officer_a_client, kerajinan):
    never, explored, registered = _bare_villages(CIRUAS, 3)
    ProductFactory(name="Gerabah")  # Bumijaya has a product of its own
    make_exploration(explored, officer_a, ("Anyaman", kerajinan), ("Keset", kerajinan))
    candidate = make_exploration(registered, officer_a, ("Emping", kerajinan)).candidates.get()
    services.candidate_link(candidate=candidate, product=ProductFactory(name="Emping", village=registered))

    response = officer_a_client.get(reverse("assistance:exploration_villages"), {"district": CIRUAS})
    rows = {v.code: v for v in response.context["page_obj"]}
    assert rows[never.code].exploration_state == "never"
    assert rows[explored.code].exploration_state == "explored"
    assert rows[explored.code].candidate_count == 2
    assert rows[explored.code].last_explored_on == datetime.date(2026, 3, 10)
    assert rows[registered.code].exploration_state == "registered"
    assert BUMIJAYA not in rows  # has products of its own
    page = response.content.decode()
    assert "Belum pernah digali" in page
    assert "Digali 10 Mar 2026" in page
    assert "2 calon produk" in page
    assert "Calon produk sudah terdaftar" in page


def test_a_proposed_village_leaves_the_list(officer_a, officer_a_client, kerajinan):
    village = _bare_villages(CIRUAS, 1)[0]
    candidate = make_exploration(village, officer_a, ("Emping", kerajinan)).candidates.get()
    product = ProductFactory(name="Emping", village=village)
    services.candidate_link(candidate=candidate, product=product)
    DesignationFactory(product=product)
    response = officer_a_client.get(reverse("assistance:exploration_villages"), {"district": CIRUAS})
    assert village.code not in {v.code for v in response.context["page_obj"]}


def test_the_list_filters_by_kecamatan_and_state_and_ignores_bad_values(dinas_client, officer_a, kerajinan):
    explored = _bare_villages(CIRUAS, 1)[0]
    make_exploration(explored, officer_a, ("Anyaman", kerajinan))
    url = reverse("assistance:exploration_villages")
    rows = dinas_client.get(url, {"district": CIRUAS, "state": "explored"}).context["page_obj"]
    assert [v.code for v in rows] == [explored.code]
    kramatwatu = dinas_client.get(url, {"district": KRAMATWATU}).context["page_obj"]
    assert {v.district_id for v in kramatwatu} == {KRAMATWATU}
    for bad in ({"district": "99.99.99"}, {"district": "9" * 40}, {"state": "rusak"}, {"page": "x"}):
        assert dinas_client.get(url, bad).status_code == 200
    assert "Masukkan pilihan yang valid" in dinas_client.get(url, {"state": "rusak"}).content.decode()


def test_the_list_runs_a_fixed_number_of_queries(
    officer_a, officer_a_client, kerajinan, django_assert_num_queries
):
    villages = _bare_villages(CIRUAS, 4)
    for n, village in enumerate(villages[:3]):
        exploration = make_exploration(village, officer_a, ("Anyaman", kerajinan), ("Keset", kerajinan))
        if n == 0:
            services.candidate_link(
                candidate=exploration.candidates.first(), product=ProductFactory(village=village)
            )
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 officer areas, 5 the chosen kecamatan (checking the filter),
        # 6 paginator count, 7 the served regency (header), 8 the kecamatan choices of the filter,
        # 9 the villages with kecamatan, last exploration and candidate counts (subqueries)
        response = officer_a_client.get(reverse("assistance:exploration_villages"), {"district": CIRUAS})
    assert len(response.context["page_obj"]) >= 4


# --- the village page -----------------------------------------------------------------------------------


def test_the_village_page_lists_its_explorations_with_a_link_to_record_one(
    officer_a, officer_a_client, village, kerajinan
):
    exploration = make_exploration(village, officer_a, ("Anyaman", kerajinan), next_step="Uji pasar")
    page = officer_a_client.get(reverse("officials:village_registry", args=[village.code])).content.decode()
    assert "Penggalian potensi" in page
    assert reverse("assistance:exploration_detail", args=[exploration.pk]) in page
    assert "1 calon produk" in page
    assert "Uji pasar" in page
    assert reverse("assistance:exploration_create", args=[village.code]) in page


def test_the_officials_menu_links_the_list(officer_a_client):
    page = officer_a_client.get(reverse("officials:home")).content.decode()
    assert reverse("assistance:exploration_villages") in page
