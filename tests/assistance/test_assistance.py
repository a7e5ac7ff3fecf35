import datetime
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from assistance import services
from assistance.models import (
    Delivery,
    MentoringVisit,
    OutcomeRecord,
    Programme,
)
from assistance.selectors import (
    flagships_without_recent_visit,
    product_timeline,
    public_assistance_summary,
    village_timeline,
)
from core.errors import Refused
from products import services as product_services
from products.models import Product
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    DeliveryFactory,
    DesignationFactory,
    MentoringVisitFactory,
    OutcomeRecordFactory,
    ProducerFactory,
    ProductFactory,
    ProgrammeFactory,
    delivery_data,
    make_dinas,
    outcome_data,
    programme_data,
    visit_data,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

VILLAGES = [BUMIJAYA, "36.04.09.2002", "36.04.09.2003", "36.04.09.2005"]


def deliver(prog, user, village=BUMIJAYA, value=10_000_000, **extra):
    """Through the service that checks the budget (DeliveryFactory does not)."""
    return services.delivery_record(
        programme=prog,
        village=Village.objects.get(code=village),
        delivered_on=datetime.date(2026, 4, 1),
        value=value,
        description="Kemasan",
        officer=user,
        **extra,
    )


# --- the budget rule ------------------------------------------------------------------------------------


def test_deliveries_fill_the_budget_and_the_next_is_refused_with_the_remaining_amount(dinas):
    prog = ProgrammeFactory()
    for village in VILLAGES[:3]:
        deliver(prog, dinas, village=village)
    with pytest.raises(Refused) as refusal:
        deliver(prog, dinas, village=VILLAGES[3], value=1)
    assert "tersisa Rp\u00a00 dari pagu Rp\u00a030.000.000" in refusal.value.message
    assert prog.deliveries.count() == 3


def test_planned_deliveries_count_against_the_budget_and_cancelled_ones_do_not(dinas):
    prog = ProgrammeFactory(budget=20_000_000)
    planned = deliver(prog, dinas, status="planned")
    deliver(prog, dinas, value=10_000_000)
    with pytest.raises(Refused):
        deliver(prog, dinas, value=1)
    services.delivery_update(delivery=planned, status="cancelled")
    deliver(prog, dinas, value=10_000_000)
    with pytest.raises(Refused):
        services.delivery_update(delivery=planned, status="delivered")  # reviving it would pass the budget
    planned.refresh_from_db()
    assert planned.status == "cancelled"


def test_a_closed_programme_takes_no_delivery(dinas):
    with pytest.raises(Refused, match="sudah selesai"):
        deliver(ProgrammeFactory(status="closed"), dinas)


def test_a_budget_cannot_drop_below_what_is_committed(dinas):
    prog = ProgrammeFactory()
    deliver(prog, dinas, value=25_000_000)
    prog.budget = 20_000_000
    with pytest.raises(Refused, match="tidak boleh di bawah"):
        services.programme_save(programme=prog)


def test_a_product_of_another_village_is_refused_on_a_delivery(dinas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        deliver(ProgrammeFactory(), dinas, village=KRAMATWATU_VILLAGE, product=ProductFactory())


@pytest.mark.django_db(transaction=True)
def test_two_officials_recording_at_once_cannot_pass_the_budget(regions):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL; SQLite serialises all writes")
    dinas_a, dinas_b = make_dinas("dinas-a"), make_dinas("dinas-b")
    prog = ProgrammeFactory(budget=15_000_000)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def record(user, village) -> None:
        try:
            barrier.wait(timeout=10)
            deliver(prog, user, village=village, value=10_000_000)
            results.append("recorded")
        except Refused as refusal:
            results.append(refusal.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(u, v))
        for u, v in ((dinas_a, VILLAGES[0]), (dinas_b, VILLAGES[1]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count("recorded") == 1
    assert any("melebihi sisa pagu" in r for r in results)
    assert sum(d.value for d in Delivery.objects.filter(programme=prog)) == 10_000_000


# --- pages: the Dinas plans and delivers -------------------------------------------------------------


def test_dinas_plans_a_programme_delivers_to_three_villages_and_the_fourth_is_refused(dinas_client):
    response = dinas_client.post(reverse("assistance:programme_create"), programme_data())
    prog = Programme.objects.get()
    assert response["Location"] == prog.get_absolute_url()
    assert prog.budget == 30_000_000
    url = reverse("assistance:delivery_create", args=[prog.pk])
    for village in VILLAGES[:3]:
        assert dinas_client.post(url, delivery_data(village)).status_code == 302
    response = dinas_client.post(url, delivery_data(VILLAGES[3]))
    assert response.status_code == 200
    assert "melebihi sisa pagu" in response.content.decode()
    assert prog.deliveries.count() == 3
    page = dinas_client.get(prog.get_absolute_url()).content.decode()
    assert "Rp\u00a030.000.000 (100.0%)" in page or "Rp\u00a030.000.000 (100,0%)" in page


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("-5.000", "tidak boleh negatif"),
        ("1.500,50", "tanpa sen"),
        ("satu juta", "Masukkan jumlah rupiah"),
        ("", "tidak boleh kosong"),
    ],
)
def test_a_bad_budget_is_refused_in_indonesian(dinas_client, budget, message):
    response = dinas_client.post(reverse("assistance:programme_create"), programme_data(budget=budget))
    assert message in response.content.decode()
    assert not Programme.objects.exists()


def test_a_delivery_with_a_product_of_another_village_is_refused_on_the_form(dinas_client):
    prog = ProgrammeFactory()
    product = ProductFactory()
    response = dinas_client.post(
        reverse("assistance:delivery_create", args=[prog.pk]),
        delivery_data(KRAMATWATU_VILLAGE, product=product.pk),
    )
    assert "bukan produk desa" in response.content.decode()
    assert not Delivery.objects.exists()


def test_officers_see_programmes_but_cannot_plan_or_deliver(officer_a_client):
    prog = ProgrammeFactory()
    assert officer_a_client.get(reverse("assistance:programme_list")).status_code == 200
    assert officer_a_client.get(prog.get_absolute_url()).status_code == 200
    assert officer_a_client.post(reverse("assistance:programme_create"), programme_data()).status_code == 403
    response = officer_a_client.post(
        reverse("assistance:delivery_create", args=[prog.pk]), delivery_data(BUMIJAYA)
    )
    assert response.status_code == 403
    assert not Delivery.objects.exists()


def test_anonymous_visitors_see_nothing_of_assistance(client):
    prog = ProgrammeFactory()
    for url in (reverse("assistance:programme_list"), prog.get_absolute_url(), reverse("assistance:overdue")):
        assert client.get(url).status_code == 302


def test_programme_list_filters_by_year_type_source_and_status(dinas_client):
    ProgrammeFactory(name="A", fiscal_year=2025, kind="permodalan", funding_source="apbn", status="closed")
    ProgrammeFactory(name="B")
    url = reverse("assistance:programme_list")
    for params, expected in [
        ({"fiscal_year": "2025"}, ["A"]),
        ({"kind": "kemasan"}, ["B"]),
        ({"funding_source": "apbn"}, ["A"]),
        ({"status": "running"}, ["B"]),
    ]:
        response = dinas_client.get(url, params)
        assert response.status_code == 200
        assert [p.name for p in response.context["page_obj"]] == expected, params
    malformed = dinas_client.get(url, {"fiscal_year": "abc"})
    assert malformed.status_code == 200
    assert "fiscal_year" in malformed.context["filter"].form.errors


def test_programme_list_query_count_is_fixed(dinas_client, dinas, django_assert_num_queries):
    for n in range(3):
        DeliveryFactory(programme__name=f"P{n}", village_id=VILLAGES[n], officer=dinas)
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 groups, 4 paginator count, 5 programmes with totals, 6 the served regency
        response = dinas_client.get(reverse("assistance:programme_list"))
    assert len(response.context["page_obj"]) == 3


def test_programme_page_query_count_is_fixed(dinas_client, dinas, django_assert_num_queries):
    prog = ProgrammeFactory()
    for village in VILLAGES[:3]:
        DeliveryFactory(programme=prog, village_id=village, officer=dinas)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 programme with totals, 5 villages and products reached,
        # 6 programme's change history, 7 deliveries' change history (core.history),
        # 8 the served regency, 9 deliveries with village, kecamatan, product, producer, officer
        response = dinas_client.get(prog.get_absolute_url())
    assert len(response.context["deliveries"]) == 3
    assert response.context["reached"]["villages"] == 3


# --- visits and outcomes: officers in their kecamatan ----------------------------------------------


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_an_officer_logs_a_mentoring_visit_with_photos(officer_a_client, settings):
    product = ProductFactory()
    photos = [SimpleUploadedFile(name, jpeg(), "image/jpeg") for name in ("a.jpg", "b.jpg")]
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        visit_data(next_action="Kemasan kardus", next_action_due="2026-12-20", photos=photos),
    )
    assert response.status_code == 302
    visit = MentoringVisit.objects.get()
    assert (visit.product, visit.officer.username) == (product, "petugas-ciruas")
    assert visit.photos.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"findings": ""}, "tidak boleh kosong"),
        ({"next_action_due": "2026-01-01"}, "tidak boleh sebelum tanggal kunjungan"),
        ({"next_action": "", "next_action_due": "2026-12-30"}, "Tuliskan tindak lanjut"),
        ({"visited_on": "kemarin"}, "Masukkan tanggal yang valid"),
    ],
)
def test_bad_visit_input_is_refused(officer_a_client, settings, data, message):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        visit_data(**{"findings": "Baik", "next_action": "X"} | data),
    )
    assert message in response.content.decode()
    assert not MentoringVisit.objects.exists()


def test_a_bad_visit_photo_is_refused_and_nothing_saved(officer_a_client, settings):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        visit_data(findings="Baik", photos=[SimpleUploadedFile("a.jpg", b"nope", "image/jpeg")]),
    )
    assert "bukan foto" in response.content.decode()
    assert not MentoringVisit.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.jpg")) if settings.MEDIA_ROOT.exists() else True


def test_an_officer_cannot_record_for_another_kecamatan(officer_b_client):
    product, producer = ProductFactory(), ProducerFactory()
    for url in (
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        reverse("assistance:visit_create_for_producer", args=[producer.pk]),
        reverse("assistance:outcome_create", args=[product.pk]),
        reverse("assistance:product_timeline", args=[product.pk]),
        reverse("assistance:village_timeline", args=[BUMIJAYA]),
    ):
        assert officer_b_client.get(url).status_code == 404
        assert officer_b_client.post(url, {}).status_code == 404


def test_outcomes_are_entered_once_per_quarter(officer_a_client):
    product = ProductFactory()
    url = reverse("assistance:outcome_create", args=[product.pk])
    assert officer_a_client.post(url, outcome_data()).status_code == 302
    assert OutcomeRecord.objects.get().turnover == 52_000_000
    response = officer_a_client.post(url, outcome_data())
    assert "sudah dicatat" in response.content.decode()
    assert OutcomeRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("quarter", "5"), ("turnover", "-1"), ("workers", "banyak"), ("year", "1900")]
)
def test_bad_outcome_figures_are_refused(officer_a_client, field, value):
    response = officer_a_client.post(
        reverse("assistance:outcome_create", args=[ProductFactory().pk]), outcome_data(**{field: value})
    )
    assert response.status_code == 200
    assert not OutcomeRecord.objects.exists()


def test_the_product_page_compares_figures_before_and_after_the_first_assistance(
    officer_a_client, officer_a, dinas
):
    product = ProductFactory(name="Gerabah Bumijaya")
    for year, quarter, turnover in [(2025, 1, 25_000_000), (2025, 3, 34_000_000), (2026, 2, 52_000_000)]:
        OutcomeRecordFactory(
            product=product, year=year, quarter=quarter, turnover=turnover, recorded_by=officer_a
        )
    DeliveryFactory(
        product=product, value=85_000_000, programme__budget=100_000_000, officer=dinas
    )  # 2026-04-01
    response = officer_a_client.get(product.get_absolute_url())
    comparison = response.context["comparison"]
    assert (comparison["before"].period_label, comparison["after"].period_label) == ("2025 TIII", "2026 TII")
    html = response.content.decode()
    assert "Rp\u00a034.000.000" in html
    assert "Rp\u00a052.000.000" in html


# --- overdue and timelines --------------------------------------------------------------------------------


def test_overdue_lists_unvisited_flagships_and_late_next_actions(officer_a_client, settings):
    settings.OVOP_MENTORING_DAYS = 60
    today = datetime.date.today()
    visited = DesignationFactory(approved=True, product__name="Dikunjungi").product
    stale = DesignationFactory(
        approved=True, product__name="Lama tak dikunjungi", product__village_id="36.04.09.2002"
    ).product
    ProductFactory(name="Bukan unggulan", village_id="36.04.09.2003")
    MentoringVisitFactory(
        product=visited,
        visited_on=today - datetime.timedelta(days=10),
        next_action="Kemasan",
        next_action_due=today - datetime.timedelta(days=1),
    )
    MentoringVisitFactory(product=stale, visited_on=today - datetime.timedelta(days=61))
    MentoringVisitFactory(
        product=stale,
        visited_on=today - datetime.timedelta(days=90),
        next_action="Selesai",
        next_action_due=today - datetime.timedelta(days=70),
        next_action_done=True,
    )
    response = officer_a_client.get(reverse("assistance:overdue"))
    assert [p.name for p in response.context["unvisited"]] == ["Lama tak dikunjungi"]
    assert [v.next_action for v in response.context["actions"]] == ["Kemasan"]
    settings.OVOP_MENTORING_DAYS = 100
    assert list(officer_a_client.get(reverse("assistance:overdue")).context["unvisited"]) == []


def test_flagships_without_recent_visit_is_scoped(officer_a, dinas):
    product = DesignationFactory(approved=True, product__village_id=KRAMATWATU_VILLAGE).product
    from villages.roles import scope_of

    assert list(flagships_without_recent_visit(Product.objects.for_scope(scope_of(officer_a)), 30)) == []
    assert list(flagships_without_recent_visit(Product.objects.for_scope(scope_of(dinas)), 30)) == [product]


def test_the_timelines_merge_every_kind_of_event_in_date_order(officer_a, dinas):
    product = DesignationFactory(approved=True, proposed_by=officer_a, decided_by=dinas).product
    DeliveryFactory(product=product, officer=dinas)  # 2026-04-01
    MentoringVisitFactory(product=product, visited_on=datetime.date(2026, 5, 2), officer=officer_a)
    from products.models import AssessmentCriterion

    product_services.assessment_record(
        product=product,
        assessor=dinas,
        assessed_on=datetime.date(2025, 12, 1),
        points={c.pk: c.max_points for c in AssessmentCriterion.objects.all()},
    )
    events = product_timeline(product)
    days = [e.day for e in events]
    assert days == sorted(days, reverse=True)
    assert {e.kind for e in events} == {"designation", "delivery", "visit", "assessment"}
    kinds = [e.kind for e in events]
    assert kinds.index("visit") < kinds.index("delivery") < kinds.index("assessment")  # May, April, December
    assert [e.kind for e in village_timeline(product.village)] == [e.kind for e in events]


def test_the_public_summary_shows_kinds_and_years_but_no_amounts_unless_allowed(settings):
    product = ProductFactory()
    DeliveryFactory(product=product)
    DeliveryFactory(programme__name="Planned", programme__kind="pemasaran", product=product, status="planned")
    summary = public_assistance_summary(product)
    assert summary == [{"kind": "Kemasan", "year": 2026, "total": None}]
    settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS = True
    assert public_assistance_summary(product)[0]["total"] == 10_000_000


def test_the_public_village_page_shows_the_flagships_assistance_without_amounts_or_officers(
    client, officer_a, dinas
):
    product = DesignationFactory(
        approved=True, product__name="Gerabah Bumijaya", proposed_by=officer_a, decided_by=dinas
    ).product
    DeliveryFactory(product=product, value=12_345_678, officer=dinas)
    html = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA])).content.decode()
    assert "Kemasan (2026)" in html
    assert "12.345.678" not in html
    assert dinas.username not in html
