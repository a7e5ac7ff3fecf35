"""Success stories of thriving flagships (issue 15, item 4): written by an official of the area, shown on
the product's public page only when published for a published, approved flagship, with nothing internal;
and offered as "learn from" to villages exploring the same category."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import Exploration, ExplorationCandidate, SuccessStory
from products import services as product_services
from products.models import Category, Product
from tests.factories import (
    CIRUAS,
    DeliveryFactory,
    DesignationFactory,
    OutcomeRecordFactory,
    ProductFactory,
    ProgrammeFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagship():
    """Gerabah of Bumijaya, approved as the village's flagship, with a packaging delivery in 2026."""
    product = ProductFactory(name="Gerabah Bumijaya")
    DesignationFactory(product=product, approved=True)
    return Product.objects.get(pk=product.pk)


@pytest.fixture
def delivery(flagship):
    return DeliveryFactory(
        product=flagship,
        programme=ProgrammeFactory(name="Redesain kemasan", kind="kemasan", fiscal_year=2026),
        delivered_on=datetime.date(2026, 4, 1),
        value=12_500_000,
        description="Kemasan kardus bergambar",
    )


def story_data(**overrides) -> dict:
    data = {
        "title": "Dari pasar desa ke Jakarta",
        "what_worked": "Kemasan baru dan pameran di Jakarta membuka pesanan rutin.",
        "assistance_text": "Pelatihan foto produk oleh relawan",
        "before_label": "2024",
        "after_label": "2026",
        "before_production": "300",
        "after_production": "900",
        "production_unit": "buah",
        "before_workers": "5",
        "after_workers": "12",
        "before_turnover": "10.000.000",
        "after_turnover": "45.000.000",
        "status": "published",
    }
    return data | overrides


def make_story(product, author, **fields) -> SuccessStory:
    defaults = {"title": "Kisah", "what_worked": "Kemasan baru", "status": "published", "written_by": author}
    return SuccessStory.objects.create(product=product, **(defaults | fields))


# --- writing -------------------------------------------------------------------------------------------


def test_officer_writes_a_story_shown_on_the_public_page_without_internal_details(
    officer_a, officer_a_client, client, flagship, delivery, settings
):
    settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS = False
    url = reverse("assistance:story_edit", args=[flagship.pk])
    response = officer_a_client.post(url, story_data(deliveries=[delivery.pk]))
    assert response.status_code == 302
    story = SuccessStory.objects.get(product=flagship)
    assert story.written_by == officer_a
    assert list(story.deliveries.all()) == [delivery]
    assert story.history.exists()

    page = client.get(flagship.get_public_url()).content.decode()
    assert "Dari pasar desa ke Jakarta" in page
    assert "Kemasan baru dan pameran di Jakarta" in page
    assert "Kemasan (2026)" in page  # the assistance's kind and year
    assert "Pelatihan foto produk oleh relawan" in page
    assert "300 buah" in page and "900 buah" in page
    assert officer_a.username not in page
    assert "12.500.000" not in page  # no assistance amount
    assert "45.000.000" not in page  # no turnover


def test_amounts_show_publicly_only_where_the_setting_allows(officer_a, client, flagship, delivery, settings):
    settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS = True
    story = make_story(flagship, officer_a, before_turnover=10_000_000, after_turnover=45_000_000)
    story.deliveries.add(delivery)
    page = client.get(flagship.get_public_url()).content.decode()
    assert "12.500.000" in page
    assert "45.000.000" in page


def test_outcome_records_around_the_first_assistance_give_the_figures(officer_a, client, flagship, delivery):
    OutcomeRecordFactory(product=flagship, year=2026, quarter=1, production_volume=410, workers=7)
    OutcomeRecordFactory(product=flagship, year=2026, quarter=3, production_volume=1250, workers=19)
    story = make_story(flagship, officer_a, before_production=1, after_production=2, production_unit="x")
    story.deliveries.add(delivery)
    page = client.get(flagship.get_public_url()).content.decode()
    assert "2026 TI" in page and "2026 TIII" in page
    assert "410 buah" in page and "1.250 buah" in page
    assert "19 orang" in page


def test_an_edit_over_someone_elses_change_is_reported_not_saved(officer_a, officer_a_client, flagship):
    story = make_story(flagship, officer_a)
    seen = story.row_version
    story.title = "Diubah Dinas"
    story.save()
    response = officer_a_client.post(
        reverse("assistance:story_edit", args=[flagship.pk]), story_data(row_version=str(seen))
    )
    assert response.status_code == 200
    assert "sudah diubah orang lain" in response.content.decode()
    story.refresh_from_db()
    assert story.title == "Diubah Dinas"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"after_production": ""}, "Isi angka sebelum dan sesudah bersama-sama untuk: produksi"),
        ({"production_unit": ""}, "Tuliskan satuan produksinya"),
        ({"before_turnover": "sepuluh juta"}, "Masukkan jumlah rupiah"),
        ({"before_workers": "-3"}, "Pastikan nilai ini lebih besar dari atau sama dengan 0"),
        ({"status": "terbit"}, "Masukkan pilihan yang valid"),
        ({"title": ""}, "Bidang ini tidak boleh kosong"),
        ({"deliveries": ["abc"]}, "Masukkan pilihan yang valid"),
        ({"deliveries": ["9" * 30]}, "Masukkan pilihan yang valid"),
    ],
)
def test_bad_story_input_is_refused_with_a_clear_message(
    officer_a_client, flagship, delivery, overrides, message
):
    response = officer_a_client.post(
        reverse("assistance:story_edit", args=[flagship.pk]), story_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SuccessStory.objects.exists()


def test_a_product_that_is_not_a_flagship_gets_no_story(officer_a_client):
    product = ProductFactory(name="Kendi")
    url = reverse("assistance:story_edit", args=[product.pk])
    assert "hanya untuk produk unggulan" in officer_a_client.get(url).content.decode()
    response = officer_a_client.post(url, story_data())
    assert response.status_code == 200
    assert "hanya untuk produk unggulan desa yang sudah ditetapkan" in response.content.decode()
    assert not SuccessStory.objects.exists()


def test_a_delivery_to_another_product_cannot_be_chosen(officer_a_client, flagship, delivery):
    other = DeliveryFactory(product=ProductFactory(name="Lain"))
    response = officer_a_client.post(
        reverse("assistance:story_edit", args=[flagship.pk]), story_data(deliveries=[other.pk])
    )
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()


# --- who may not ---------------------------------------------------------------------------------------


def test_officer_of_another_kecamatan_gets_404_by_typed_url(officer_a, officer_b_client, flagship):
    make_story(flagship, officer_a)
    url = reverse("assistance:story_edit", args=[flagship.pk])
    assert officer_b_client.get(url).status_code == 404
    assert officer_b_client.post(url, story_data(title="Bukan urusan saya")).status_code == 404
    assert SuccessStory.objects.get().title == "Kisah"
    page = officer_b_client.get(reverse("assistance:story_list")).content.decode()
    assert "Gerabah Bumijaya" not in page


def test_anonymous_visitor_is_sent_to_sign_in(client, flagship):
    for url in [reverse("assistance:story_edit", args=[flagship.pk]), reverse("assistance:story_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- what the public sees ---------------------------------------------------------------------------------


def test_a_draft_story_is_not_public(officer_a, client, flagship):
    make_story(flagship, officer_a, status="draft", title="Masih draf")
    assert "Masih draf" not in client.get(flagship.get_public_url()).content.decode()


def test_the_story_of_an_ended_flagship_is_not_public(officer_a, dinas, client, flagship):
    make_story(flagship, officer_a, title="Dulu unggulan")
    product_services.designation_end(
        designation=flagship.designations.get(), ended_by=dinas, reason="Produsen berhenti"
    )
    assert "Dulu unggulan" not in client.get(flagship.get_public_url()).content.decode()
    assert not SuccessStory.objects.public().exists()


def test_the_story_of_an_unpublished_product_is_not_public(officer_a, flagship):
    make_story(flagship, officer_a)
    assert SuccessStory.objects.public().count() == 1
    Product.objects.filter(pk=flagship.pk).update(status=Product.Status.DRAFT)
    assert not SuccessStory.objects.public().exists()


def test_the_public_page_with_a_story_runs_a_fixed_number_of_queries(
    officer_a, client, flagship, delivery, django_assert_num_queries
):
    story = make_story(flagship, officer_a)
    story.deliveries.add(
        delivery, DeliveryFactory(product=flagship, programme=ProgrammeFactory(kind="pemasaran"))
    )
    for quarter in (1, 2, 3):
        OutcomeRecordFactory(product=flagship, quarter=quarter)
    ProductFactory(name="Celengan")  # another product of the village
    with django_assert_num_queries(15):
        # 1 the product with place, category, flagship and stars, 2 its photos, 3 its producers,
        # 4 valid documents of product and producers, 5 the assistance summary, 6 the published story,
        # 7 its chosen deliveries with their programmes, 8 the product's outcome records,
        # 9 other products of the village, 10 their covers, 11 the served regency,
        # 12 variants, 13 consenting producers' shop links, 14 points of sale, 15 markets reached
        client.get(flagship.get_public_url())


# --- learn from, on the exploration page ----------------------------------------------------------------


def test_villages_exploring_the_same_category_learn_from_published_stories(
    officer_a, officer_a_client, flagship
):
    make_story(flagship, officer_a, title="Rahasia gerabah laku")
    other_category = Category.objects.exclude(pk=flagship.category_id).first()
    elsewhere = ProductFactory(name="Keripik", village_id="36.04.09.2002", category=other_category)
    DesignationFactory(product=elsewhere, approved=True)
    make_story(elsewhere, officer_a, title="Kisah kategori lain")
    draft_product = ProductFactory(name="Guci", village_id="36.04.09.2003")
    DesignationFactory(product=draft_product, approved=True)
    make_story(draft_product, officer_a, title="Kisah masih draf", status="draft")

    village = Village.objects.filter(district_id=CIRUAS, products__isnull=True).order_by("code").first()
    exploration = Exploration.objects.create(
        village=village,
        explored_on=datetime.date(2026, 3, 1),
        explored_by=officer_a,
        skills="Membentuk tanah liat",
    )
    ExplorationCandidate.objects.create(exploration=exploration, name="Celengan", category=flagship.category)

    page = officer_a_client.get(
        reverse("assistance:exploration_detail", args=[exploration.pk])
    ).content.decode()
    assert "Belajar dari" in page
    assert "Rahasia gerabah laku" in page
    assert flagship.get_public_url() in page
    assert "Kisah kategori lain" not in page
    assert "Kisah masih draf" not in page


# --- the officials' list of flagships and their stories ---------------------------------------------------


def test_the_story_list_runs_a_fixed_number_of_queries(
    officer_a, officer_a_client, django_assert_num_queries
):
    codes = ["36.04.09.2001", "36.04.09.2002", "36.04.09.2003"]
    for n, code in enumerate(codes):
        product = ProductFactory(name=f"Unggulan {n}", village_id=code)
        DesignationFactory(product=product, approved=True)
        if n:
            make_story(product, officer_a, status="published" if n == 1 else "draft")
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 groups, 4 officer areas, 5 paginator count, 6 the served regency
        # (header), 7 the flagships with village, kecamatan, category and their story's state
        response = officer_a_client.get(reverse("assistance:story_list"))
    page = response.content.decode()
    assert len(response.context["page_obj"]) == 3
    assert "Tulis kisah sukses" in page
    assert "Terbit" in page and "Draf" in page
