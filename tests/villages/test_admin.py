import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_village_list_filters_by_kecamatan_without_n_plus_one(
    admin_client, django_assert_max_num_queries
):
    url = reverse("admin:villages_village_changelist")
    with django_assert_max_num_queries(10):
        response = admin_client.get(url, {"district": "36.04.09"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bumijaya" in html
    assert response.context["cl"].result_count == 15


def test_admin_village_list_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries):
    url = reverse("admin:villages_village_changelist")
    admin_client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(url, {"district": "36.04.09"})  # 15 villages
    with CaptureQueriesContext(connection) as large:
        admin_client.get(url)  # 100 villages on the page
    assert len(small) == len(large)


@pytest.mark.parametrize("query", ["Bumijaya", "36.04.09.2009"])
def test_admin_village_search_by_name_and_code(admin_client, query):
    response = admin_client.get(reverse("admin:villages_village_changelist"), {"q": query})
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(
    "name", ["villages_province", "villages_regency", "villages_district", "villages_village"]
)
def test_admin_region_lists_open(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_village_change_page_opens(admin_client):
    response = admin_client.get(reverse("admin:villages_village_change", args=["36.04.09.2009"]))
    assert response.status_code == 200


def test_anonymous_visitors_cannot_open_the_admin(client):
    response = client.get(reverse("admin:villages_village_changelist"))
    assert response.status_code == 302
