"""bench/profile_pages.py splits every render into SQL, templates and the rest (issue 19): the parts must add
up to the total, and the queries it counts must be the ones Django runs. Nothing here checks how fast a
page is: only that the instrument measures what it says."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse

from bench.profiling import core
from bench.profiling.pages import chosen, public_pages
from tests.factories import ProductFactory, make_dinas

pytestmark = pytest.mark.django_db

PARTS = ("sql", "templates", "other")


@pytest.fixture(autouse=True)
def _caches_off(settings):
    """As the profile runs: every render afresh."""
    settings.OVOP_PUBLIC_CACHE_SECONDS = 0
    settings.OVOP_FIGURES_CACHE_SECONDS = 0


@pytest.fixture
def products(db):
    return ProductFactory.create_batch(3)


def check_adds_up(profile: core.PageProfile, runs: int) -> None:
    assert profile.error == ""
    assert len(profile.renders) == runs
    for render in profile.renders:
        assert render.status == 200
        assert render.size > 0
        assert sum(getattr(render, part) for part in PARTS) == pytest.approx(render.total, abs=1e-6)
        # the instrument saw the database and the templates (a count of work, not a speed)
        assert render.queries > 0
        assert render.sql > 0
        assert render.templates > 0
    split = profile.split()
    assert sum(split[part] for part in PARTS) == pytest.approx(split["total"], abs=1e-6)
    assert split["total"] == pytest.approx(profile.median)
    assert min(r.total for r in profile.renders) <= profile.p95 <= max(r.total for r in profile.renders)


@pytest.mark.parametrize("runs", [3, 4])
def test_the_catalogue_is_split_into_parts_that_add_up_to_its_time(client, products, runs):
    url = reverse("catalogue:list")

    profile = core.profile_page(client, "catalogue", url, runs=runs)

    check_adds_up(profile, runs)
    assert {render.queries for render in profile.renders} == {profile.queries}


def test_the_query_count_is_the_one_django_counts(client, products, django_assert_num_queries):
    url = reverse("catalogue:list")
    profile = core.profile_page(client, "catalogue", url, runs=3)

    with django_assert_num_queries(profile.queries):
        client.get(url)


def test_an_officials_page_adds_up_and_counts_its_queries_as_django_does(
    client, products, django_assert_num_queries
):
    client.force_login(make_dinas())
    url = reverse("products:product_list")

    profile = core.profile_page(client, "products", url, runs=3)

    check_adds_up(profile, 3)
    with django_assert_num_queries(profile.queries):
        client.get(url)


def test_a_query_a_template_triggers_is_charged_to_sql_once(products):
    make_dinas()
    users = get_user_model().objects.all()
    outer = Template("{% for user in users %}{{ user.username }}{% endfor %}{% include inner %}")
    inner = Template("{{ others|length }}")  # an include: a Template.render inside another
    split = core.Split()

    with core.instrumented():
        core._active = split
        try:
            split.enter("other")
            started = split.mark
            outer.render(Context({"users": users, "others": users.filter(is_staff=False), "inner": inner}))
            split.leave()
        finally:
            core._active = None

    assert split.queries == 2  # the two querysets, each counted once, one of them inside the include
    assert split.stack == []
    assert sum(split.totals[part] for part in PARTS) == pytest.approx(split.mark - started, abs=1e-9)
    assert split.totals["sql"] > 0
    assert split.totals["templates"] > 0


def test_pages_are_chosen_by_name_or_pattern(products):
    names = [page.name for page in chosen(public_pages(), "search-*,map")]

    assert names == ["search-gerabah", "search-bulakan", "search-misspelt", "map"]


def test_cprofile_lists_the_top_functions_by_cumulative_and_by_own_time(client, products):
    text, profiler = core.cprofile_page(client, reverse("catalogue:list"), runs=2, top=30)

    assert "2 renders" in text
    assert "Top 30 by cumulative" in text and "Top 30 by own time" in text
    assert text.count("\n| `") == 60
    assert profiler.getstats()
