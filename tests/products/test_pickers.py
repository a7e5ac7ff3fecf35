"""The search endpoints behind the officials' pickers: only the official's area, searched by name and
code, at most 20 rows, and a clean refusal of parameters that cannot be right."""

import pytest
from django.urls import reverse

from products.pickers import PICKER_LIMIT
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE, ProducerFactory, ProductFactory, UserFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

CIRUAS_VILLAGE = "36.04.09.2001"  # another village of Kecamatan Ciruas


def found(client, name: str, **params) -> list[dict]:
    response = client.get(reverse(f"products:{name}_picker"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    return response.json()["results"]


def labels(client, name: str, **params) -> list[str]:
    return [row["label"] for row in found(client, name, **params)]


def test_an_officer_finds_villages_of_their_kecamatan_only(officer_a_client):
    rows = found(officer_a_client, "village", q="")
    assert rows
    assert all(row["value"].startswith("36.04.09.") for row in rows)
    assert found(officer_a_client, "village", q="Kramatwatu") == []
    assert found(officer_a_client, "village", q=KRAMATWATU_VILLAGE) == []


def test_a_village_is_found_by_name_or_code_and_labelled_with_its_kecamatan(officer_a_client):
    village = Village.objects.select_related("district").get(code=BUMIJAYA)
    expected = {"value": BUMIJAYA, "label": f"{village.district.name} · {village.name} ({BUMIJAYA})"}
    assert found(officer_a_client, "village", q=village.name.lower()) == [expected]
    assert found(officer_a_client, "village", q=BUMIJAYA) == [expected]


def test_a_dinas_official_finds_the_whole_regency_twenty_at_a_time(dinas_client):
    response = dinas_client.get(reverse("products:village_picker"))
    answer = response.json()
    assert len(answer["results"]) == PICKER_LIMIT
    assert answer["more"] is True
    assert found(dinas_client, "village", q=KRAMATWATU_VILLAGE)[0]["value"] == KRAMATWATU_VILLAGE
    assert found(dinas_client, "village", q=BUMIJAYA)[0]["value"] == BUMIJAYA


def test_products_and_producers_of_another_kecamatan_are_never_offered(officer_a_client, officer_b_client):
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    ProducerFactory(business_name="UMKM Gerabah")
    ProducerFactory(business_name="UMKM Emping", village_id=KRAMATWATU_VILLAGE)

    assert labels(officer_a_client, "product") == ["Gerabah Bumijaya · Bumijaya"]
    assert labels(officer_a_client, "product", q="Emping") == []
    assert labels(officer_a_client, "producer") == ["UMKM Gerabah · Bumijaya"]
    assert [label.split(" · ")[0] for label in labels(officer_b_client, "product")] == ["Emping Kramatwatu"]
    assert [label.split(" · ")[0] for label in labels(officer_b_client, "producer")] == ["UMKM Emping"]


def test_a_dinas_official_finds_products_and_producers_of_every_kecamatan(dinas_client):
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    ProducerFactory(business_name="UMKM Gerabah")
    ProducerFactory(business_name="UMKM Emping", village_id=KRAMATWATU_VILLAGE)
    assert [label.split(" · ")[0] for label in labels(dinas_client, "product")] == [
        "Emping Kramatwatu",
        "Gerabah Bumijaya",
    ]
    assert [label.split(" · ")[0] for label in labels(dinas_client, "producer", q="umkm")] == [
        "UMKM Emping",
        "UMKM Gerabah",
    ]


def test_the_village_parameter_keeps_that_villages_products_and_producers(officer_a_client):
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Gerabah Tetangga", village_id=CIRUAS_VILLAGE)
    ProducerFactory(business_name="Perajin Bumijaya")
    ProducerFactory(business_name="Perajin Tetangga", village_id=CIRUAS_VILLAGE)
    assert [r.split(" · ")[0] for r in labels(officer_a_client, "product", village=BUMIJAYA)] == [
        "Gerabah Bumijaya"
    ]
    assert [r.split(" · ")[0] for r in labels(officer_a_client, "producer", village=CIRUAS_VILLAGE)] == [
        "Perajin Tetangga"
    ]


def test_another_areas_village_parameter_finds_nothing(officer_a_client):
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    assert found(officer_a_client, "product", village=KRAMATWATU_VILLAGE) == []


def test_producers_near_a_village_come_first_then_its_kecamatan(dinas_client):
    ProducerFactory(business_name="A Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    ProducerFactory(business_name="B Tetangga", village_id=CIRUAS_VILLAGE)
    ProducerFactory(business_name="C Bumijaya")
    names = [r.split(" · ")[0] for r in labels(dinas_client, "producer", near=BUMIJAYA)]
    assert names == ["C Bumijaya", "B Tetangga", "A Kramatwatu"]
    assert [r.split(" · ")[0] for r in labels(dinas_client, "producer")] == [
        "A Kramatwatu",
        "B Tetangga",
        "C Bumijaya",
    ]


@pytest.mark.parametrize("name", ["village", "product", "producer"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, name):
    response = client.get(reverse(f"products:{name}_picker"), {"q": "a"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["village", "product", "producer"])
def test_a_user_without_a_role_is_refused(client, name):
    client.force_login(UserFactory(username="warga"))
    assert client.get(reverse(f"products:{name}_picker")).status_code == 403


@pytest.mark.parametrize(
    "name, params",
    [
        ("village", {"q": "x" * 101}),
        ("product", {"q": "x" * 5000}),
        ("product", {"village": "12"}),
        ("producer", {"village": "bukan-kode"}),
        ("producer", {"near": "36.04.09.2009'; --"}),
        ("product", {"village": "9" * 40}),
    ],
)
def test_a_parameter_that_cannot_be_right_is_refused_cleanly(officer_a_client, name, params):
    response = officer_a_client.get(reverse(f"products:{name}_picker"), params)
    assert response.status_code == 400
    assert response.json()["results"] == []


def test_a_search_of_odd_characters_finds_nothing_without_failing(officer_a_client):
    for query in ["%", "_", "\\", "' OR 1=1 --", "🙂"]:
        assert found(officer_a_client, "producer", q=query) == []


def test_kecamatan_are_named_with_their_regency_above_a_regency(client, settings):
    """Nationally namesakes abound (a Cibeber in Cianjur and one in Lebak): the regency tells them apart."""
    from django.urls import reverse

    from tests.factories import make_dinas

    client.force_login(make_dinas("dinas-label"))
    regency = client.get(reverse("products:district_picker"), {"q": "Ciruas"}).json()["results"]
    assert [r["label"] for r in regency] == ["Ciruas"]
    settings.OVOP_AREA_CODE = "ID"
    national = client.get(reverse("products:district_picker"), {"q": "Ciruas"}).json()["results"]
    assert [r["label"] for r in national] == ["Ciruas · Kabupaten Serang"]
