"""The market network in the officials' figures: on the dashboard, how many flagships sell online and
in how many cities and regions they are sold (within the official's area); in the outcome figures, the
online shops recorded each quarter (form, import, template, product page)."""

import pytest
from django.urls import reverse

from assistance.models import OutcomeRecord
from officials.selectors import completeness_summary
from products.models import MarketArea, ShopLink
from tests.assistance.test_import_records import outcome_row, sheet
from tests.factories import (
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    OutcomeRecordFactory,
    ProducerFactory,
    ProductFactory,
    outcome_data,
)
from tests.officials.test_spreadsheets import confirm, preview, refusals, village
from villages.roles import scope_of

pytestmark = pytest.mark.django_db

CITEREP, CIRUAS_3 = "36.04.09.2002", "36.04.09.2003"


def flagship(name: str, code: str):
    product = ProductFactory(name=name, village=village(code))
    product.producers.add(ProducerFactory(village=village(code)))
    DesignationFactory(product=product, approved=True)
    return product


@pytest.fixture
def network():
    """Ciruas: flagship A with its producer's Shopee shop, flagship B with a Tokopedia listing of its
    own, flagship C with an Instagram page only (not a shop), and a plain product D (no flagship) with
    a Shopee shop. Markets: A Jakarta and Bandung, B "jakarta " again and Palembang, D Medan.
    Kramatwatu: flagship E with a Blibli shop and the market Surabaya."""
    a = flagship("A", "36.04.09.2009")
    b = flagship("B", CITEREP)
    c = flagship("C", CIRUAS_3)
    d = ProductFactory(name="D", village=village("36.04.09.2005"))
    d.producers.add(ProducerFactory())
    e = flagship("E", KRAMATWATU_VILLAGE)
    ShopLink.objects.create(producer=a.producers.get(), platform="shopee", url="https://shopee.co.id/a")
    ShopLink.objects.create(
        producer=b.producers.get(), product=b, platform="tokopedia", url="https://www.tokopedia.com/b/1"
    )
    ShopLink.objects.create(producer=c.producers.get(), platform="instagram", url="https://instagram.com/c")
    ShopLink.objects.create(producer=d.producers.get(), platform="shopee", url="https://shopee.co.id/d")
    ShopLink.objects.create(producer=e.producers.get(), platform="blibli", url="https://www.blibli.com/e")
    for product, names in [(a, ["Jakarta", "Bandung"]), (b, ["jakarta ", "Palembang"]), (d, ["Medan"])]:
        for name in names:
            MarketArea.objects.create(product=product, name=name)
    MarketArea.objects.create(product=e, name="Surabaya")


def test_an_officer_sees_how_many_of_their_flagships_sell_online_and_in_how_many_cities(officer_a, network):
    figures = completeness_summary(scope_of(officer_a))

    assert (figures["count"], figures["online"], figures["market_areas"]) == (3, 2, 3)


def test_the_dinas_counts_the_whole_regency(dinas, network):
    figures = completeness_summary(scope_of(dinas))

    assert (figures["count"], figures["online"], figures["market_areas"]) == (4, 3, 4)


def test_the_other_kecamatans_officer_counts_only_their_own(officer_b, network):
    figures = completeness_summary(scope_of(officer_b))

    assert (figures["count"], figures["online"], figures["market_areas"]) == (1, 1, 1)


def test_the_completeness_checks_still_count_each_flagship_once_beside_its_markets(officer_a, network):
    figures = completeness_summary(scope_of(officer_a))

    produsen = next(check for check in figures["checks"] if check["key"] == "produsen")
    assert (produsen["passed"], produsen["missing"]) == (3, 0)


def test_the_dashboard_shows_the_online_and_market_counts(officer_a_client, network):
    html = officer_a_client.get(reverse("officials:dashboard")).content.decode()

    assert "2 dari 3 produk unggulan dijual daring" in html
    assert "dipasarkan ke 3 kota atau wilayah" in html


# --- online shops in the outcome figures -------------------------------------------------------------------


def test_an_officer_records_the_quarters_online_shops_on_the_outcome_form(officer_a_client):
    product = ProductFactory()

    response = officer_a_client.post(
        reverse("assistance:outcome_create", args=[product.pk]), outcome_data(online_shops="4")
    )

    assert response.status_code == 302
    assert OutcomeRecord.objects.get(product=product).online_shops == 4


def test_an_outcome_form_without_online_shops_records_none(officer_a_client):
    product = ProductFactory()

    officer_a_client.post(reverse("assistance:outcome_create", args=[product.pk]), outcome_data())

    assert OutcomeRecord.objects.get(product=product).online_shops == 0


def test_a_negative_number_of_online_shops_is_refused(officer_a_client):
    product = ProductFactory()

    response = officer_a_client.post(
        reverse("assistance:outcome_create", args=[product.pk]), outcome_data(online_shops="-1")
    )

    assert response.status_code == 200
    assert "lebih besar dari atau sama dengan 0" in response.content.decode()
    assert not OutcomeRecord.objects.exists()


def test_imported_figures_carry_the_online_shops_column(officer_a_client):
    product = ProductFactory()
    data = sheet(
        "capaian",
        outcome_row(product, **{"Toko daring aktif": 3}),
        outcome_row(product, **{"Triwulan": 3}),  # left empty: none
    )

    page, ref = preview(officer_a_client, "capaian", data)

    assert page.context["report"].counts["new"] == 2, refusals(page)
    confirm(officer_a_client, ref)
    assert OutcomeRecord.objects.get(quarter=4).online_shops == 3
    assert OutcomeRecord.objects.get(quarter=3).online_shops == 0


def test_a_bad_online_shops_cell_is_refused_in_its_column(officer_a_client):
    product = ProductFactory()

    page, _ref = preview(
        officer_a_client, "capaian", sheet("capaian", outcome_row(product, **{"Toko daring aktif": "banyak"}))
    )

    [(_row, column, _message)] = refusals(page)
    assert column == "Toko daring aktif"
    assert not OutcomeRecord.objects.exists()


def test_the_outcome_templates_example_names_online_shops(dinas_client):
    from tests.officials.test_spreadsheets import csv_rows

    ProductFactory()
    response = dinas_client.get(reverse("officials:import_template", args=["capaian", "csv"]))

    rows = csv_rows(b"".join(response.streaming_content))
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["Toko daring aktif"] == "2"


def test_the_product_page_shows_the_online_shops_of_each_quarter(officer_a_client):
    product = ProductFactory()
    OutcomeRecordFactory(product=product, year=2026, quarter=1, online_shops=5)

    html = officer_a_client.get(product.get_absolute_url()).content.decode()

    assert "Toko daring" in html
    assert '<td class="text-end">5</td>' in html
