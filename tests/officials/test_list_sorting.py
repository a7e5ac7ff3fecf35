"""The officials' situation list and the flagships' completeness list sort by their columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DesignationFactory


@pytest.fixture
def flagships(db):
    return [
        DesignationFactory(
            approved=True, product__name="Emping", product__village_id="36.04.09.2009"
        ).product,
        DesignationFactory(approved=True, product__name="Abon", product__village_id="36.04.09.2002").product,
        DesignationFactory(
            approved=True, product__name="Kerupuk", product__village_id="36.04.09.2003"
        ).product,
    ]


def test_the_completeness_list_sorts_by_product_either_way(officer_a_client, flagships):
    url = reverse("officials:completeness")
    ascending = officer_a_client.get(url, {"sort": "product"})
    assert [p.name for p in ascending.context["page_obj"]] == ["Abon", "Emping", "Kerupuk"]
    descending = officer_a_client.get(url, {"sort": "-product", "kurang": "story"})
    assert [p.name for p in descending.context["page_obj"]] == ["Kerupuk", "Emping", "Abon"]
    html = descending.content.decode()
    assert 'aria-sort="descending"' in html and "▼" in html
    assert 'href="?sort=product&amp;kurang=story"' in html  # the filter stays


def test_the_completeness_list_ignores_an_unknown_sort(officer_a_client, flagships):
    response = officer_a_client.get(reverse("officials:completeness"), {"sort": "score; drop"})
    assert response.status_code == 200 and len(response.context["page_obj"]) == 3


def test_the_situation_list_sorts_by_village_and_keeps_its_filters(officer_a_client, flagships):
    url = reverse("officials:situations")
    response = officer_a_client.get(url, {"kecamatan": "36.04.09", "sort": "-village"})
    names = [village.name for village in response.context["page_obj"]]
    assert names == sorted(names, key=str.casefold, reverse=True) and len(names) == 15
    assert 'href="?kecamatan=36.04.09&amp;sort=village"' in response.content.decode()
    unknown = officer_a_client.get(url, {"sort": "-secret"})
    assert unknown.status_code == 200 and "aria-sort" not in unknown.content.decode()


def test_sorting_the_situations_adds_no_query(
    officer_a_client, flagships, django_assert_num_queries, settings
):
    settings.OVOP_FIGURES_CACHE_SECONDS = 0  # each list read afresh (they are kept otherwise)
    url = reverse("officials:situations")
    officer_a_client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as default:
        officer_a_client.get(url)
    with django_assert_num_queries(len(default)):
        officer_a_client.get(url, {"sort": "-situation"})


def test_another_kecamatans_officer_does_not_see_these_flagships_however_sorted(officer_b_client, flagships):
    response = officer_b_client.get(reverse("officials:completeness"), {"sort": "-product"})
    assert list(response.context["page_obj"]) == []
