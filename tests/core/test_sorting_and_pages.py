"""core.sorting, the numbered pagination (templates/includes/pagination.html) and the `number` filter."""

import re

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from core.pagination import paginate
from core.sorting import requested_sorting, sort_list
from core.templatetags.numbers import number

COLUMNS = {"name": ["name"], "village": ["village", "name"]}


def test_a_listed_key_sorts_ascending_and_a_minus_sorts_descending():
    ascending = requested_sorting(RequestFactory().get("/?sort=name"), COLUMNS)
    descending = requested_sorting(RequestFactory().get("/?sort=-name"), COLUMNS)
    assert (ascending.key, ascending.descending) == ("name", False)
    assert (descending.key, descending.descending) == ("name", True)
    assert ascending.columns["name"].direction == "ascending"
    assert ascending.columns["name"].query == {"sort": "-name", "page": None}  # the link toggles
    assert descending.columns["name"].query == {"sort": "name", "page": None}
    assert ascending.columns["village"].direction == ""


@pytest.mark.parametrize("value", ["password", "-", "--name", "name;drop", "__class__", "-pk"])
def test_an_unknown_sort_key_keeps_the_default_order(value):
    sorting = requested_sorting(RequestFactory().get("/", {"sort": value}), COLUMNS)
    assert sorting.key == ""
    assert all(column.direction == "" for column in sorting.columns.values())


def test_rows_in_memory_sort_with_empty_values_last_either_way():
    rows = [{"name": "b", "village": None}, {"name": "a", "village": "Y"}, {"name": "c", "village": "x"}]
    by_village, _sorting = sort_list(RequestFactory().get("/?sort=village"), rows, COLUMNS)
    assert [row["name"] for row in by_village] == ["c", "a", "b"]
    reverse, _sorting = sort_list(RequestFactory().get("/?sort=-village"), rows, COLUMNS)
    assert [row["name"] for row in reverse] == ["a", "c", "b"]


def _render_pages(url: str, count: int) -> str:
    request = RequestFactory().get(url)
    page_obj = paginate(request, list(range(count)), per_page=10)
    template = Template('{% include "includes/pagination.html" %}')
    return template.render(RequestContext(request, {"page_obj": page_obj}))


def test_the_pagination_numbers_first_last_and_the_neighbours_with_ellipses():
    html = _render_pages("/?page=10&sort=-name&status=published", 200)  # 20 pages
    shown = [int(n) for n in re.findall(r'class="page-link"[^>]*>(?:<span[^>]*>[^<]*</span>)?(\d+)<', html)]
    assert shown == [1, 8, 9, 10, 11, 12, 20]
    assert html.count("…") == 2
    assert re.search(r'aria-current="page"><span class="page-link">.*?10</span>', html)
    # Every link keeps the sort and the filters, and changes only the page.
    assert 'href="?page=20&amp;sort=-name&amp;status=published"' in html
    assert "Halaman 10 dari 20" in html


def test_a_single_page_shows_no_pagination():
    assert "pagination" not in _render_pages("/", 5)


def test_the_pagination_reads_in_english_for_an_english_reader():
    with translation.override("en"):
        html = _render_pages("/?page=2", 30)
    assert "Previous" in html and "Next" in html and "Page 2 of 3" in html


def test_counts_are_grouped_the_way_the_reader_writes_them():
    with translation.override("id"):
        assert number(2500) == "2.500"
        assert number(1234567) == "1.234.567"
    with translation.override("en"):
        assert number(2500) == "2,500"
    assert number(None) == "–"
    assert number("–") == "–"
    assert number(7) == "7"


def test_a_second_table_pages_by_its_own_parameter_and_keeps_the_first_tables_page():
    request = RequestFactory().get("/?page=3&page_tl=2")
    page_obj = paginate(request, list(range(100)), per_page=10, parameter="page_tl")
    assert page_obj.number == 2
    template = Template('{% include "includes/pagination.html" %}')
    html = template.render(RequestContext(request, {"page_obj": page_obj}))
    assert 'href="?page=3&amp;page_tl=3"' in html  # next: this table's page moves, the other's stays
    assert 'href="?page=3&amp;page_tl=1"' in html
