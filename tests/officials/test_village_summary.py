"""A province's or the country's figures come from village summaries counted ahead (officials.summary,
issue 19): the same figures as counted live, counted again when a write or the day makes them stale,
and a fixed number of queries whatever the number of villages."""

import datetime
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assistance.models import MentoringVisit
from assistance.situations import AreaSituations
from catalogue import showcase
from core.caching import figures_version, public_version
from core.pagination import PAGE_SIZE
from officials import selectors, summary
from officials.models import SummaryState, VillageSummary
from products.models import Product
from products.selectors import status_counts, with_ovop_status
from tests.factories import LegalityDocumentFactory, ProducerFactory, ProductFactory
from tests.officials.test_dashboard import CIRUAS_5, designate, village, world  # noqa: F401 (a fixture)
from villages.models import Village
from villages.roles import Scope

pytestmark = pytest.mark.django_db

DINAS = Scope(is_official=True, is_dinas=True, is_admin=False, district_codes=frozenset())


@pytest.fixture
def country(settings, world):  # noqa: F811 (the fixture imported above)
    settings.OVOP_AREA_CODE = "ID"
    return world


def test_the_summed_figures_are_the_figures_counted_live(country):
    figures = selectors.dashboard_figures(DINAS)
    assert figures["summary_state"] is not None  # read from the summaries
    assert VillageSummary.objects.count() == Village.objects.count()
    cover = selectors.coverage(DINAS)
    assert figures["coverage"]["total"] == cover["total"]
    assert [(r["code"], r["designated"], r["all"]) for r in figures["coverage"]["areas"]] == [
        (r["code"], r["designated"], r["all"]) for r in cover["areas"]
    ]
    assert figures["coverage"]["total"]["designated"] == 3  # A, B and F (E was replaced by F)
    assert figures["trend"] == selectors.designation_trend(DINAS)
    follow_up = selectors.follow_up(DINAS)
    for key in ("expired", "expiring", "assessments_due", "mentoring_overdue"):
        assert figures["follow_up"][key] == follow_up[key], key
    assert (figures["follow_up"]["expired"], figures["follow_up"]["expiring"]) == (1, 1)
    completeness = selectors.completeness_summary(DINAS)
    assert figures["completeness"]["count"] == completeness["count"] == 3
    assert [c["passed"] for c in figures["completeness"]["checks"]] == [
        c["passed"] for c in completeness["checks"]
    ]
    assert figures["completeness"]["online"] == completeness["online"]
    assert figures["completeness"]["market_areas"] == completeness["market_areas"]
    situations = selectors.situation_help_delivered(DINAS)
    assert figures["situation_help"] == situations  # kept with the summaries; here counted live
    assert any(any(row["counts"]) for row in situations["rows"])  # the 2026 packaging delivery
    pipeline = selectors.pipeline(DINAS, cover["total"])
    assert figures["pipeline"]["awaiting"] == pipeline["awaiting"] == 1
    assert {v.code for v in figures["pipeline"]["to_propose"]} == {v.code for v in pipeline["to_propose"]}


def test_a_regency_counts_live(world):  # noqa: F811
    assert not summary.uses_summary(DINAS)
    assert selectors.dashboard_figures(DINAS)["summary_state"] is None
    assert not VillageSummary.objects.exists()
    assert summary.refresh_summary.call() == {"refreshed": False}


def test_the_dashboard_of_the_country_says_when_its_figures_were_counted(client, country, dinas):
    client.force_login(dinas)
    response = client.get(reverse("officials:dashboard"))
    state = SummaryState.objects.get()
    assert response.context["summary_state"].computed_at == state.computed_at
    assert 'id="summary-state"' in response.content.decode()
    assert "sedang dihitung" not in response.content.decode()  # current: nothing on its way
    home = client.get(reverse("officials:home"))
    assert home.context["statuses"]["designated"] == 3
    assert 'id="summary-state"' in home.content.decode()


def test_a_write_is_counted_again_and_shown(client, country, dinas, officer_a):
    """With the immediate task backend (development, tests) the refresh the page enqueues runs at once."""
    client.force_login(dinas)
    before = client.get(reverse("officials:dashboard")).context["follow_up"]["mentoring_overdue"]
    assert before > 0
    MentoringVisit.objects.create(
        product=Product.objects.get(name="A Gerabah"),
        visited_on=timezone.localdate(),
        officer=officer_a,
        findings="Kemasan baru",
    )
    after = client.get(reverse("officials:dashboard")).context["follow_up"]["mentoring_overdue"]
    assert after == before - 1


def test_stale_summaries_are_shown_as_such_until_counted(client, country, dinas, officer_a, monkeypatch):
    """A worker that has not counted yet: the page shows the rows it has and says newer figures come."""
    client.force_login(dinas)
    client.get(reverse("officials:dashboard"))
    enqueued = []
    task = summary.refresh_summary
    monkeypatch.setattr(summary, "refresh_summary", SimpleNamespace(enqueue=lambda: enqueued.append(1)))
    designate(ProductFactory(village=village(CIRUAS_5)), officer_a, dinas, 2026)
    response = client.get(reverse("officials:dashboard"))
    assert enqueued == [1]
    assert response.context["summary_state"].stale
    assert response.context["coverage"]["total"]["designated"] == 3  # not counted yet
    assert "sedang dihitung" in response.content.decode()
    client.get(reverse("officials:dashboard"))
    assert enqueued == [1]  # once per version, not once per view
    task.call()  # the worker runs it
    response = client.get(reverse("officials:dashboard"))
    assert response.context["coverage"]["total"]["designated"] == 4
    assert not response.context["summary_state"].stale


def test_summaries_of_another_day_are_counted_before_they_are_read(country):
    summary.refresh(timezone.localdate() - datetime.timedelta(days=1))
    state = summary.current_state()
    assert state.computed_on == timezone.localdate() and not state.stale


def test_a_refresh_writes_what_changed_and_forgets_villages_outside_the_area(country, settings):
    call_command("load_regions", "19.05", stdout=StringIO())
    summary.refresh()
    assert VillageSummary.objects.filter(district__code__startswith="19.05").exists()
    VillageSummary.objects.filter(village_id=CIRUAS_5).update(expired=99)
    summary.refresh()
    assert VillageSummary.objects.get(village_id=CIRUAS_5).expired == 1  # its one expired SPP-IRT
    settings.OVOP_AREA_CODE = "36"  # the deployment now serves Banten only
    summary.refresh()
    assert not VillageSummary.objects.exclude(district__code__startswith="36.").exists()
    assert VillageSummary.objects.count() == Village.objects.filter(code__startswith="36.").count()
    assert SummaryState.objects.get().area_code == "36"


def test_counting_the_summaries_stales_the_public_pages_but_not_the_figures(country):
    figures, public = figures_version(), public_version()
    summary.refresh()
    assert figures_version() == figures  # else the rows would be counted again forever
    assert public_version() != public  # the public coverage of a province or the country reads them


@pytest.mark.parametrize("extra", [0, 5])
def test_the_dashboard_of_the_country_runs_a_fixed_number_of_queries(
    client, country, dinas, extra, django_assert_num_queries
):
    for spare in Village.objects.filter(district_id="36.04.05")[:extra]:
        ProductFactory(village=spare)
    summary.refresh()
    client.force_login(dinas)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 the summaries' state (with the sums per province, the first
        # designation years and this year's help per situation, counted with the rows), 5 the
        # provinces' names, 6 villages to propose, 7 assistance by kind, year and funding,
        # 8 programmes, 9 the regency of the profile
        client.get(reverse("officials:dashboard"))


def test_the_situations_of_the_country_are_summed_from_the_summaries(client, country, dinas):
    client.force_login(dinas)
    response = client.get(reverse("officials:situations"))
    counts = response.context["counts"]
    assert response.context["summary_state"] is not None
    assert 'id="summary-state"' in response.content.decode()
    live = AreaSituations(Village.objects.all()).counts("province")
    assert counts["total"] == live["total"]
    assert [(r["code"], r["all"], r["thriving"]) for r in counts["districts"]] == [
        (r["code"], r["all"], r["thriving"]) for r in live["districts"]
    ]
    assert counts["total"]["thriving"] + counts["total"]["needs_help"] == 3
    # The page's villages are read by their codes, then described: the same as the live list's.
    for situation in ("", "thriving", "needs_help", "none"):
        page = client.get(reverse("officials:situations"), {"situasi": situation}).context["page_obj"]
        area = AreaSituations(Village.objects.all())
        expected = area.describe(area.filtered(situation)[:PAGE_SIZE])
        assert [(v.code, v.situation, v.reasons) for v in page] == [
            (v.code, v.situation, v.reasons) for v in expected
        ], situation
        assert page.paginator.count == area.filtered(situation).count()


def test_the_village_list_of_the_country_sums_its_counts_from_the_summaries(
    client, country, dinas, django_assert_num_queries
):
    client.force_login(dinas)
    url = reverse("officials:village_list")
    client.get(url)  # the summaries counted
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 the summaries' state (with the sums per province), 5 the
        # provinces' names, 6 the page's codes, 7 the count, 8 the page's villages with kecamatan and
        # status, 9 the first kecamatan choices (no village's status computed to count or to sort)
        response = client.get(url)
    assert response.context["summary_state"] is not None
    assert 'id="summary-state"' in response.content.decode()
    live = status_counts(with_ovop_status(Village.objects.all()), level="province")
    assert response.context["totals"] == live["total"]
    assert response.context["per_district"] == live["districts"]
    assert response.context["totals"]["designated"] == 3  # A, B and F
    designated = client.get(url, {"status": "designated"}).context["page_obj"]
    assert sorted(v.ovop_status for v in designated) == ["designated"] * 3


def test_the_home_of_the_country_shows_the_flagships_chosen_with_the_summaries(client, country, monkeypatch):
    response = client.get(reverse("catalogue:home"))
    state = SummaryState.objects.get()
    featured = [product.pk for product in response.context["featured"]]
    assert featured == state.featured and len(featured) == 3  # A, B and F
    assert [d.pk for d in response.context["newest"]] == state.newest
    assert response.context["coverage_map"].level == "province"
    # Unpublished before the summaries are counted again: gone from the page at once all the same.
    monkeypatch.setattr(summary, "refresh_summary", SimpleNamespace(enqueue=lambda: None))
    Product.objects.filter(name="A Gerabah").update(status=Product.Status.DRAFT)
    shown = [product.name for product in client.get(reverse("catalogue:home")).context["featured"]]
    assert "A Gerabah" not in shown and len(shown) == 2


def test_the_to_do_list_of_the_country_counts_per_province_what_it_cannot_list(
    client, country, dinas, django_assert_num_queries, settings
):
    client.force_login(dinas)
    settings.OVOP_FIGURES_CACHE_SECONDS = 0  # rendered afresh (the lists are kept otherwise)
    client.get(reverse("officials:todo"))  # the summaries counted
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 groups, 4 follow-ups due (none: nothing more to read), 5 documents
        # expired or expiring (of products and producers alike: the whole country), 6 the summaries'
        # state (with the sums per province), 7 the provinces' names
        response = client.get(reverse("officials:todo"))
    by_area = response.context["by_area"]
    live = selectors.follow_up(DINAS)
    assert by_area["totals"]["mentoring_overdue"] == live["mentoring_overdue"] > 0
    assert by_area["flagships"] == [("Banten", live["mentoring_overdue"])]
    assert by_area["totals"]["assessments_due"] == live["assessments_due"]
    assert len(response.context["documents"]) == 2  # listed as in a regency
    html = response.content.decode()
    assert "Lihat semua produk unggulan yang terlambat dikunjungi" in html
    assert f"{reverse('officials:situations')}?situasi=needs_help" in html
    assert 'id="summary-state"' in html


@pytest.mark.django_db(transaction=True)
def test_two_first_views_at_once_count_the_summaries_once(regions, settings, monkeypatch):
    """The bench found two first views of a national home failing on the rows' primary key: each
    counted and inserted the same rows. A count now takes the state's row lock first."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL; SQLite serialises all writes")
    settings.OVOP_AREA_CODE = "ID"
    counted, failures = [], []
    count_villages = summary.count_villages

    def counting(on):
        counted.append(on)
        return count_villages(on)

    monkeypatch.setattr(summary, "count_villages", counting)
    barrier = threading.Barrier(2)

    def first_view() -> None:
        try:
            barrier.wait(timeout=10)
            summary.current_state()
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_view) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(counted) == 1
    assert VillageSummary.objects.count() == Village.objects.count() > 0


def test_the_pages_of_the_country_name_the_country(client, country, dinas):
    client.force_login(dinas)
    for name in ("officials:dashboard", "officials:todo"):
        html = client.get(reverse(name)).content.decode()
        assert "Seluruh Indonesia." in html and "Seluruh kabupaten." not in html


def test_the_figures_kept_with_the_rows_are_those_summed_from_them(country):
    """The sums per province, the public coverage's rows, the first designation years and the
    categories' counts are counted with the rows and kept on the state (a tenth of a second a page
    nationally): the same as summed from the rows, and not used for another level."""
    state = summary.refresh()
    assert state.figures["level"] == "province"
    live = SimpleNamespace(figures={})  # a state without kept figures: summed from the rows
    assert summary.area_sums("province", state) == summary.area_sums("province", live)
    assert summary.public_area_counts("province", state) == summary.public_area_counts("province", live)
    assert summary.first_years(state) == summary.first_years(live) == sorted(summary.first_years(live))
    assert dict(state.figures["categories"]) == showcase.category_counts()
    assert summary.area_sums("regency", state)["total"]["all"] == Village.objects.count()  # not kept: summed
    # Counted again with the rows: a new product's category shows at once after the next count.
    ProductFactory(village=Village.objects.filter(district_id="36.04.05").first())
    assert summary.refresh().figures["categories"] != state.figures["categories"]


def test_the_country_reads_visits_and_documents_without_naming_every_product(settings, country):
    """A Dinas of the whole country sees every row: `product IN (every product)` made the planner read
    the country's products for the to-do list's follow-ups and documents (0.2 s each). Its documents,
    a producer's and a product's alike, come soonest first from one query."""
    settings.OVOP_AREA_CODE = "36.04"
    assert "IN (SELECT" in str(MentoringVisit.objects.for_scope(DINAS).query)  # a regency: its own
    settings.OVOP_AREA_CODE = "ID"
    assert "IN (SELECT" not in str(MentoringVisit.objects.for_scope(DINAS).query)
    today = timezone.localdate()
    # Before the world's product document that expired on 1 January 2021.
    producer_document = LegalityDocumentFactory(
        producer=ProducerFactory(), issued_on=datetime.date(2018, 1, 1), expires_on=datetime.date(2020, 1, 1)
    )
    documents = selectors.todo_lists(DINAS, today)["documents"]
    assert documents[0] == producer_document  # expired longest ago: first, before every product's
    assert [d.expires_on for d in documents] == sorted(d.expires_on for d in documents)
    assert {d.product_id is None for d in documents} == {True, False}
    settings.OVOP_AREA_CODE = "36.04"  # the regency's two queries list the same documents
    assert selectors.todo_lists(DINAS, today)["documents"] == documents
