"""The area a deployment serves (OVOP_AREA_CODE): its regency by default, a province or the whole
country. Every list, count and page follows it; so does the trivial health view."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from products.models import Product
from tests.factories import BUMIJAYA, ProductFactory
from tests.portal.test_settings import django_check
from villages.models import District, Village

pytestmark = pytest.mark.django_db

MENTOK_VILLAGE = "19.05.01.1001"  # Kelurahan Tanjung, Kecamatan Mentok, Kabupaten Bangka Barat


@pytest.fixture
def two_regencies():
    """Serang (loaded for every test) and Bangka Barat, in another province, each with a product."""
    call_command("load_regions", "19.05", stdout=StringIO())
    serang = ProductFactory(name="Gerabah Bumijaya", village=Village.objects.get(code=BUMIJAYA))
    bangka = ProductFactory(name="Kerupuk Mentok", village=Village.objects.get(code=MENTOK_VILLAGE))
    return serang, bangka


def catalogue_names(client) -> set[str]:
    response = client.get(reverse("catalogue:list"))
    assert response.status_code == 200
    return {product.name for product in response.context["page_obj"]}


def test_a_regency_deployment_serves_its_regency_only(client, two_regencies):
    assert catalogue_names(client) == {"Gerabah Bumijaya"}
    assert not Village.objects.in_service_area().filter(code=MENTOK_VILLAGE).exists()
    assert client.get(reverse("catalogue:village_detail", args=[MENTOK_VILLAGE])).status_code == 404


def test_a_province_deployment_serves_the_province(client, settings, two_regencies):
    settings.OVOP_AREA_CODE = "19"
    assert catalogue_names(client) == {"Kerupuk Mentok"}
    assert set(District.objects.in_service_area().values_list("regency_id", flat=True)) == {"19.05"}
    page = client.get(reverse("catalogue:home")).content.decode()
    assert "OVOP Kepulauan Bangka Belitung" in page


def test_a_national_deployment_serves_every_region(client, settings, two_regencies):
    settings.OVOP_AREA_CODE = "ID"
    assert catalogue_names(client) == {"Gerabah Bumijaya", "Kerupuk Mentok"}
    assert Village.objects.in_service_area().count() == Village.objects.count()
    assert Product.objects.public().count() == 2
    assert "OVOP Indonesia" in client.get(reverse("catalogue:home")).content.decode()


def test_the_national_dashboard_and_registry_export_cover_every_village(
    client, settings, two_regencies, dinas
):
    settings.OVOP_AREA_CODE = "ID"
    client.force_login(dinas)
    coverage = client.get(reverse("officials:dashboard")).context["coverage"]
    assert coverage["total"]["all"] == Village.objects.count()
    export = client.get(reverse("officials:export", args=["registri", "csv"]))
    assert export.status_code == 200
    assert "registri-desa-ID-" in export["Content-Disposition"]
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + Village.objects.count()


def test_a_malformed_area_code_stops_start_up():
    result = django_check({"DJANGO_DEBUG": "true", "OVOP_AREA_CODE": "36.04.09"})
    assert result.returncode != 0
    assert "OVOP_AREA_CODE must be a regency (36.04), a province (36) or ID" in result.stderr


def test_the_health_view_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert client.post(reverse("health")).status_code == 405
