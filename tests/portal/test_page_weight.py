"""Officials' forms stay light whatever the size of the area: a national deployment has 83,763 villages
and a picker that listed them all made a 6.5 MB form. Here a national area of thousands of villages,
producers and products (bulk-created, as seeding/scale does) and every form page with a village,
product or producer picker must weigh under 200 KB, for the Dinas and for an officer of a large
kecamatan."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import Exploration, ExplorationCandidate
from products import services
from products.models import Category, Producer, Product
from tests.factories import (
    BUMIJAYA,
    DeliveryFactory,
    DesignationFactory,
    ProducerFactory,
    ProductFactory,
    make_dinas,
    make_officer,
)
from villages.models import District, Province, Regency, Village

pytestmark = pytest.mark.django_db

MAX_BYTES = 200_000
DISTRICTS = 400  # past the 200 a list writes out: kecamatan are searched too, as nationally (7,277)
VILLAGES_PER_DISTRICT = 15  # 6,000 villages, beside Serang's 326
ROWS = 3_000  # producers, and products, spread over them


REGENCIES = 10  # kecamatan codes have two digits: 40 in each of ten regencies


def big_regency(n: int) -> str:
    return f"92.{n // 40 + 1:02d}"


def big_district(n: int) -> str:
    return f"{big_regency(n)}.{n % 40 + 10:02d}"


@pytest.fixture
def national(settings):
    settings.OVOP_AREA_CODE = "ID"
    Province.objects.create(code="92", name="Provinsi Uji")
    Regency.objects.bulk_create(
        Regency(code=f"92.{r + 1:02d}", province_id="92", name=f"Kabupaten Uji {r + 1}", kind="kabupaten")
        for r in range(REGENCIES)
    )
    District.objects.bulk_create(
        District(code=big_district(n), regency_id=big_regency(n), name=f"Kecamatan Uji {n:03d}")
        for n in range(DISTRICTS)
    )
    villages = [
        Village(
            code=f"{big_district(d)}.{2001 + v}",
            district_id=big_district(d),
            name=f"Desa Uji {d:03d}-{v:03d}",
            kind="desa",
        )
        for d in range(DISTRICTS)
        for v in range(VILLAGES_PER_DISTRICT)
    ]
    Village.objects.bulk_create(villages)
    category = Category.objects.get(slug="kerajinan")
    Producer.objects.bulk_create(
        Producer(business_name=f"UMKM Uji {n}", owner_name="Ibu Uji", village=villages[n % len(villages)])
        for n in range(ROWS)
    )
    Product.objects.bulk_create(
        Product(
            name=f"Produk Uji {n}",
            slug=f"produk-uji-{n}",
            village=villages[n % len(villages)],
            category=category,
        )
        for n in range(ROWS)
    )
    assert Village.objects.count() > 6_000


def form_pages(officer_village: str) -> dict[str, str]:
    """Every officials' form page with a picker, with an object of `officer_village` where it needs one."""
    producer = ProducerFactory(business_name="Sentra Gerabah", village_id=officer_village)
    product = ProductFactory(name="Gerabah Uji", village_id=officer_village)
    product.producers.add(producer)
    delivery = DeliveryFactory(product=product, producer=producer, officer=make_dinas("dinas-kemasan"))
    programme = delivery.programme
    exploration = Exploration.objects.create(
        village_id=officer_village,
        explored_on=datetime.date(2026, 4, 3),
        explored_by=delivery.officer,
        raw_materials="Tanah liat",
    )
    candidate = ExplorationCandidate.objects.create(
        exploration=exploration, name="Celengan", category=product.category
    )
    round = services.round_open(year=2026, opened_by=delivery.officer)
    return {
        "product create": reverse("products:product_create"),
        "product create in a village": reverse("products:product_create") + f"?village={officer_village}",
        "product update": reverse("products:product_update", args=[product.pk]),
        "producer create": reverse("products:producer_create"),
        "producer update": reverse("products:producer_update", args=[producer.pk]),
        "delivery create": reverse("assistance:delivery_create", args=[programme.pk]),
        "delivery update": reverse("assistance:delivery_update", args=[delivery.pk]),
        "exploration create": reverse("assistance:exploration_create", args=[officer_village]),
        "exploration update": reverse("assistance:exploration_update", args=[exploration.pk]),
        "candidate register": reverse("officials:candidate_register", args=[candidate.pk]),
        "round propose": reverse("products:round_propose", args=[round.pk]),
        "designation propose": reverse("products:designation_propose", args=[officer_village]),
        "product list (village filter)": reverse("products:product_list"),
    }


def weigh(client, pages: dict[str, str], skip: tuple[str, ...] = ()) -> dict[str, int]:
    weights = {}
    for name, url in pages.items():
        if name in skip:
            continue
        response = client.get(url)
        assert response.status_code == 200, name
        weights[name] = len(response.content)
    return weights


def test_every_form_with_a_picker_stays_under_200_kb_for_a_national_dinas(client, national):
    pages = form_pages(BUMIJAYA)
    client.force_login(make_dinas("dinas-nasional"))
    weights = weigh(client, pages)
    assert {name: size for name, size in weights.items() if size >= MAX_BYTES} == {}


def test_the_forms_stay_light_for_an_officer_of_a_large_kecamatan(client, national):
    village = f"{big_district(0)}.2001"
    pages = form_pages(village)
    client.force_login(make_officer("petugas-uji", big_district(0)))
    dinas_only = ("delivery create", "delivery update")
    weights = weigh(client, pages, skip=dinas_only)
    assert {name: size for name, size in weights.items() if size >= MAX_BYTES} == {}


def test_a_forms_chosen_village_is_in_the_page_and_the_rest_of_the_area_is_not(client, national):
    pages = form_pages(BUMIJAYA)
    client.force_login(make_dinas("dinas-nasional"))
    html = client.get(pages["product update"]).content.decode()
    assert f'<option value="{BUMIJAYA}" selected>' in html
    assert "Desa Uji 000-000" not in html
    assert "UMKM Uji 0 ·" not in html
    assert "Sentra Gerabah" in html  # the chosen producer


def officials_pages_without_arguments() -> list[str]:
    """Every page the access table says the Dinas opens with a GET and no argument (lists, dashboards,
    recap, forms), so that a page added later is weighed too."""
    from tests.portal.test_access import EXPECTED, PERSONAS

    dinas = PERSONAS.index("dinas")
    return sorted(
        name
        for name, ((get, _post), kwargs) in EXPECTED.items()
        if kwargs is None
        and get.split()[dinas] == "200"
        and get.split()[0] != "200"  # not a public page
        and name.startswith(("products:", "assistance:", "officials:", "jobs:", "reminders:"))
        and not name.endswith("_picker")
    )


def test_no_officials_page_is_over_200_kb_for_a_national_dinas(client, national):
    form_pages(BUMIJAYA)  # a product, producer, programme, delivery, exploration and round to show
    client.force_login(make_dinas("dinas-nasional"))
    names = officials_pages_without_arguments()
    assert {
        "officials:dashboard",
        "officials:recap",
        "products:product_list",
        "assistance:programme_list",
    } <= set(names)
    weights = weigh(client, {name: reverse(name) for name in names})
    assert {name: size for name, size in weights.items() if size >= MAX_BYTES} == {}
    assert "Kecamatan Uji 399" not in client.get(reverse("products:product_list")).content.decode()


def test_no_officials_page_lists_more_choices_than_a_picker_writes_out(client, national):
    """Whatever the fixture's size, a national area has 7,277 kecamatan and 83,763 villages: any select
    that lists a whole area is caught here by its number of options (the recap's kecamatan choice
    once listed them all, 317 KB on its own)."""
    import re

    form_pages(BUMIJAYA)
    client.force_login(make_dinas("dinas-nasional"))
    crowded = {}
    for name in officials_pages_without_arguments():
        html = client.get(reverse(name)).content.decode()
        for select in re.findall(r"<select.*?</select>", html, re.S):
            if select.count("<option") > 201:
                crowded[name] = re.search(r'name="([^"]+)"', select).group(1)
    assert crowded == {}


def test_a_national_recap_counts_the_designations_instead_of_listing_every_village(client, national):
    DesignationFactory(approved=True, year=2026)
    client.force_login(make_dinas("dinas-nasional"))
    html = client.get(reverse("officials:recap"), {"tahun": "2026"}).content.decode()
    assert "1 penetapan pada tahun ini" in html
    assert 'aria-labelledby="recap-designations"' not in html  # no village-by-village table
    one_kecamatan = client.get(reverse("officials:recap"), {"tahun": "2026", "kecamatan": "36.04.09"})
    assert 'aria-labelledby="recap-designations"' in one_kecamatan.content.decode()
