"""Every village in exactly one situation (assistance.situations), each rule at its threshold edges,
the officials' explicit flag and its clearing, and the fixed number of queries for an area."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assistance.models import HelpFlag, Situation, SituationHelp
from assistance.models.exploration import Exploration
from assistance.services import help_flag_clear, help_flag_raise
from assistance.situations import AreaSituations, for_situation_list, village_situation
from core.errors import Refused
from products.models import Assessment, Designation, LegalityDocument, add_months
from tests.factories import (
    BUMIJAYA,
    CIRUAS,
    KRAMATWATU,
    DesignationFactory,
    LegalityDocumentFactory,
    MentoringVisitFactory,
    OutcomeRecordFactory,
    ProductFactory,
    UserFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

# A fixed "today" in the second quarter of 2027: the last finished quarter is 2027 Q1.
ON = datetime.date(2027, 6, 15)


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.OVOP_DECLINE_QUARTERS = 2
    settings.OVOP_OUTCOME_SILENCE_QUARTERS = 2
    settings.OVOP_MENTORING_DAYS = 90


def situation(code: str = BUMIJAYA, on: datetime.date = ON):
    village = village_situation(Village.objects.get(code=code), on)
    return village.situation, village.reasons


def explore(code: str = BUMIJAYA, day: datetime.date = datetime.date(2026, 5, 4)) -> Exploration:
    return Exploration.objects.create(
        village_id=code, explored_on=day, explored_by=UserFactory(), raw_materials="Tanah liat"
    )


def healthy_flagship(code: str = BUMIJAYA, decree_date: datetime.date = datetime.date(2026, 3, 2)):
    """A flagship doing well on ON: visited lately, figures for the last two quarters, level, a valid
    assessment, no expired document."""
    product = ProductFactory(village_id=code, name=f"Unggulan {code}")
    DesignationFactory(product=product, approved=True, decree_date=decree_date)
    MentoringVisitFactory(product=product, visited_on=ON - datetime.timedelta(days=10))
    for year, quarter in ((2026, 4), (2027, 1)):
        OutcomeRecordFactory(product=product, year=year, quarter=quarter, turnover=1000, production_volume=50)
    assess(product, datetime.date(2026, 6, 1))
    return product


def assess(product, day: datetime.date) -> Assessment:
    # Written directly: Assessment.clean() refuses a date after the real today, and ON is a fixed day.
    return Assessment.objects.create(
        product=product, assessed_on=day, assessor=UserFactory(), total_points=80, max_points=100, stars=4
    )


# --- the five situations before a flagship -----------------------------------------------------------


def test_a_village_with_nothing_has_no_product_and_no_exploration():
    assert situation() == (Situation.NONE, ["Belum ada produk terdaftar dan belum ada penggalian potensi"])


def test_an_exploration_without_product_makes_the_village_explored():
    explore()
    assert situation() == (Situation.EXPLORED, ["Potensi digali pada 4 Mei 2026; belum ada produk terdaftar"])


def test_a_registered_product_not_proposed_makes_the_village_have_products():
    explore()
    ProductFactory(), ProductFactory()
    assert situation() == (Situation.HAS_PRODUCTS, ["2 produk terdaftar, belum ada yang diusulkan"])


def test_an_open_proposal_makes_the_village_proposed():
    DesignationFactory(product=ProductFactory(name="Gerabah Hias"))
    assert situation() == (Situation.PROPOSED, ["Diusulkan sebagai produk unggulan: Gerabah Hias"])


def test_a_flagship_with_no_sign_of_trouble_is_thriving():
    healthy_flagship()
    assert situation() == (
        Situation.THRIVING,
        ["Produk unggulan Unggulan 36.04.09.2009 tanpa tanda perlu bantuan"],
    )


def test_a_village_changes_situation_as_its_data_changes(officer_a):
    assert situation()[0] == Situation.NONE
    explore()
    assert situation()[0] == Situation.EXPLORED
    product = ProductFactory()
    assert situation()[0] == Situation.HAS_PRODUCTS
    proposal = DesignationFactory(product=product)
    assert situation()[0] == Situation.PROPOSED
    proposal.delete()
    healthy_flagship()
    assert situation()[0] == Situation.THRIVING
    flagship = Designation.objects.approved().get(village_id=BUMIJAYA).product
    document = LegalityDocumentFactory(product=flagship, expires_on=ON - datetime.timedelta(days=1))
    assert situation()[0] == Situation.NEEDS_HELP
    document.expires_on = ON
    document.save()
    assert situation()[0] == Situation.THRIVING


# --- the needs-help signals at their edges ---------------------------------------------------------------


def test_turnover_falling_for_exactly_the_threshold_of_quarters_needs_help():
    product = healthy_flagship()
    product.outcomes.all().delete()
    for quarter, turnover in (((2026, 3), 1200), ((2026, 4), 1100), ((2027, 1), 1000)):
        OutcomeRecordFactory(product=product, year=quarter[0], quarter=quarter[1], turnover=turnover)
    assert situation() == (Situation.NEEDS_HELP, ["Omzet turun 2 triwulan berturut-turut"])


def test_turnover_falling_one_quarter_fewer_than_the_threshold_is_still_thriving():
    product = healthy_flagship()
    product.outcomes.all().delete()
    for quarter, turnover in (((2026, 3), 1100), ((2026, 4), 1100), ((2027, 1), 1000)):
        OutcomeRecordFactory(product=product, year=quarter[0], quarter=quarter[1], turnover=turnover)
    assert situation()[0] == Situation.THRIVING


def test_production_volume_falling_counts_too_and_a_gap_breaks_the_run():
    product = healthy_flagship()
    product.outcomes.all().delete()
    for quarter, volume in (((2026, 3), 70), ((2026, 4), 60), ((2027, 1), 50)):
        OutcomeRecordFactory(product=product, year=quarter[0], quarter=quarter[1], production_volume=volume)
    assert situation() == (Situation.NEEDS_HELP, ["Volume produksi turun 2 triwulan berturut-turut"])
    product.outcomes.filter(year=2026, quarter=4).update(quarter=2)  # 2026 Q2, Q3, then 2027 Q1
    assert situation()[0] == Situation.THRIVING


def test_no_figures_for_the_threshold_of_quarters_needs_help_and_one_fewer_does_not():
    product = healthy_flagship()
    product.outcomes.filter(year=2027).delete()  # the last figures are of 2026 Q4: one quarter quiet
    assert situation()[0] == Situation.THRIVING
    product.outcomes.filter(year=2026, quarter=4).update(quarter=3)  # 2026 Q3: two quarters quiet
    assert situation() == (Situation.NEEDS_HELP, ["Tidak ada data capaian selama 2 triwulan"])


def test_the_silence_of_a_new_flagship_is_counted_from_its_designation():
    product = healthy_flagship(decree_date=datetime.date(2027, 2, 1))
    product.outcomes.all().delete()
    assert situation()[0] == Situation.THRIVING  # designated in 2027 Q1: one quarter finished since
    Designation.objects.filter(product=product).update(decree_date=datetime.date(2026, 12, 1))
    assert situation() == (Situation.NEEDS_HELP, ["Tidak ada data capaian selama 2 triwulan"])


def test_legality_expiring_today_is_valid_and_expired_yesterday_needs_help():
    product = healthy_flagship()
    document = LegalityDocumentFactory(product=product, kind=LegalityDocument.Kind.SPP_IRT, expires_on=ON)
    assert situation()[0] == Situation.THRIVING
    document.expires_on = ON - datetime.timedelta(days=1)
    document.save()
    assert situation() == (Situation.NEEDS_HELP, ["Izin SPP-IRT kedaluwarsa 14 Juni 2027"])


def test_an_expired_document_renewed_by_one_of_the_same_kind_is_no_sign():
    product = healthy_flagship()
    LegalityDocumentFactory(product=product, expires_on=datetime.date(2026, 1, 1))
    LegalityDocumentFactory(product=product, issued_on=datetime.date(2026, 1, 1), expires_on=None)
    assert situation()[0] == Situation.THRIVING


def test_stars_expire_on_the_day_they_are_no_longer_valid():
    product = healthy_flagship()
    product.assessments.all().delete()
    assessment = assess(product, add_months(ON, -36) + datetime.timedelta(days=1))
    assert assessment.is_valid(ON) and situation()[0] == Situation.THRIVING
    assessment.assessed_on = add_months(ON, -36)
    assessment.save()
    assert not assessment.is_valid(ON)
    assert situation() == (Situation.NEEDS_HELP, ["Bintang penilaian kedaluwarsa sejak 15 Juni 2027"])


def test_a_mentoring_visit_exactly_the_period_ago_is_on_time_and_a_day_more_is_overdue():
    product = healthy_flagship()
    visit = product.visits.get()
    visit.visited_on = ON - datetime.timedelta(days=90)
    visit.save()
    assert situation()[0] == Situation.THRIVING
    visit.visited_on = ON - datetime.timedelta(days=91)
    visit.save()
    assert situation() == (
        Situation.NEEDS_HELP,
        ["Belum ada kunjungan pendampingan sejak 16 Maret 2027"],
    )


def test_a_flagship_never_visited_long_after_its_designation_needs_help():
    product = healthy_flagship()
    product.visits.all().delete()
    assert situation() == (Situation.NEEDS_HELP, ["Belum pernah dikunjungi pendamping sejak ditetapkan"])


# --- the explicit flag -------------------------------------------------------------------------------------


def test_an_officials_flag_makes_a_thriving_flagship_need_help_until_cleared(officer_a):
    healthy_flagship()
    village = Village.objects.get(code=BUMIJAYA)
    flag = help_flag_raise(village=village, reason="  Perajin utama sakit  ", raised_by=officer_a)
    assert flag.reason == "Perajin utama sakit" and flag.is_open
    assert situation() == (Situation.NEEDS_HELP, ["Ditandai oleh petugas: Perajin utama sakit"])
    cleared = help_flag_clear(village=village, note="Sudah pulih", cleared_by=officer_a)
    assert cleared.cleared_by == officer_a and cleared.clearing_note == "Sudah pulih"
    assert situation()[0] == Situation.THRIVING
    assert flag.history.count() == 2


def test_clearing_twice_is_refused(officer_a):
    healthy_flagship()
    village = Village.objects.get(code=BUMIJAYA)
    help_flag_raise(village=village, reason="Omzet anjlok", raised_by=officer_a)
    help_flag_clear(village=village, note="Sudah ditangani", cleared_by=officer_a)
    with pytest.raises(Refused, match="tidak sedang ditandai"):
        help_flag_clear(village=village, note="Lagi", cleared_by=officer_a)


def test_a_second_open_flag_is_refused_and_the_database_holds_it_too(officer_a):
    healthy_flagship()
    village = Village.objects.get(code=BUMIJAYA)
    help_flag_raise(village=village, reason="Omzet anjlok", raised_by=officer_a)
    with pytest.raises(Refused, match="sudah ditandai"):
        help_flag_raise(village=village, reason="Lagi", raised_by=officer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpFlag.objects.create(
            village=village, reason="Lewat belakang", raised_by=officer_a, raised_at=timezone.now()
        )
    assert HelpFlag.objects.filter(village=village).count() == 1


def test_a_flag_needs_a_reason_a_note_and_a_flagship(officer_a):
    village = Village.objects.get(code=BUMIJAYA)
    with pytest.raises(Refused, match="belum memiliki produk unggulan"):
        help_flag_raise(village=village, reason="Perlu bantuan", raised_by=officer_a)
    healthy_flagship()
    with pytest.raises(Refused, match="Tuliskan alasan"):
        help_flag_raise(village=village, reason="   ", raised_by=officer_a)
    help_flag_raise(village=village, reason="Perlu bantuan", raised_by=officer_a)
    with pytest.raises(Refused, match="Tuliskan catatan"):
        help_flag_clear(village=village, note="", cleared_by=officer_a)
    assert HelpFlag.objects.get().is_open


def test_a_new_flag_may_be_raised_after_the_last_one_was_cleared(officer_a):
    healthy_flagship()
    village = Village.objects.get(code=BUMIJAYA)
    help_flag_raise(village=village, reason="Pertama", raised_by=officer_a)
    help_flag_clear(village=village, note="Selesai", cleared_by=officer_a)
    help_flag_raise(village=village, reason="Kedua", raised_by=officer_a)
    assert HelpFlag.objects.filter(village=village).count() == 2


# --- help matched to the situation ----------------------------------------------------------------------


def test_the_help_each_situation_calls_for_is_seeded_from_the_serang_text():
    kinds = {
        s: set(SituationHelp.objects.filter(situation=s).values_list("kind", flat=True))
        for s in Situation.values
    }
    assert kinds[Situation.NONE] == {"penggalian", "pelatihan"}
    assert kinds[Situation.EXPLORED] == {"penggalian", "pelatihan", "permodalan", "teknologi", "pemasaran"}
    assert kinds[Situation.HAS_PRODUCTS] == {"kemasan"}
    assert kinds[Situation.THRIVING] == {"tren", "pemasaran", "permodalan"}
    assert "pendampingan" in kinds[Situation.NEEDS_HELP]
    assert "tren-tren terbaru" in SituationHelp.objects.get(situation="thriving", kind="tren").note


def test_a_village_shows_the_help_it_calls_for_and_when_it_received_it():
    from tests.factories import DeliveryFactory, ProgrammeFactory

    DeliveryFactory(programme=ProgrammeFactory(kind="penggalian"), delivered_on=datetime.date(2026, 8, 1))
    village = village_situation(Village.objects.get(code=BUMIJAYA), ON)
    received = {row["kind"]: row["last_received"] for row in village.help}
    assert received == {"Penggalian potensi": datetime.date(2026, 8, 1), "Pelatihan SDM": None}


# --- counts for an area, in a fixed number of queries ------------------------------------------------------


def test_counts_per_situation_per_kecamatan():
    ciruas = list(Village.objects.filter(district_id=CIRUAS).exclude(code=BUMIJAYA).order_by("code")[:4])
    healthy_flagship()  # Bumijaya thriving
    needy = healthy_flagship(ciruas[0].code)
    needy.visits.all().delete()
    DesignationFactory(product=ProductFactory(village=ciruas[1]))
    ProductFactory(village=ciruas[2])
    explore(ciruas[3].code)
    explore(Village.objects.filter(district_id=KRAMATWATU).first().code)
    counts = AreaSituations(Village.objects.filter(district_id__in=[CIRUAS, KRAMATWATU]), ON).counts()
    rows = {row["code"]: row for row in counts["districts"]}
    ciruas_all = Village.objects.filter(district_id=CIRUAS).count()
    assert {s: rows[CIRUAS][s] for s in Situation.values} == {
        "none": ciruas_all - 5,
        "explored": 1,
        "has_products": 1,
        "proposed": 1,
        "thriving": 1,
        "needs_help": 1,
    }
    assert rows[KRAMATWATU]["explored"] == 1 and rows[KRAMATWATU]["thriving"] == 0
    assert counts["total"]["all"] == Village.objects.filter(district_id__in=[CIRUAS, KRAMATWATU]).count()


def test_the_filtered_lists_hold_exactly_the_counted_villages():
    ciruas = list(Village.objects.filter(district_id=CIRUAS).exclude(code=BUMIJAYA).order_by("code")[:2])
    healthy_flagship()
    healthy_flagship(ciruas[0].code).visits.all().delete()
    area = AreaSituations(Village.objects.filter(district_id=CIRUAS), ON)
    assert [v.code for v in area.filtered(Situation.NEEDS_HELP)] == [ciruas[0].code]
    assert [v.code for v in area.filtered(Situation.THRIVING)] == [BUMIJAYA]
    assert area.filtered(Situation.NONE).count() == area.counts()["total"]["none"]
    assert area.filtered("", KRAMATWATU).count() == 0


def grow_flagships(count: int) -> None:
    villages = Village.objects.filter(district_id=CIRUAS).exclude(code=BUMIJAYA).order_by("code")[:count]
    for village in villages:
        product = healthy_flagship(village.code)
        LegalityDocumentFactory(product=product, expires_on=datetime.date(2026, 1, 1))
        OutcomeRecordFactory(product=product, year=2026, quarter=3, turnover=5000)
        HelpFlag.objects.create(
            village=village, reason="Cek", raised_by=UserFactory(), raised_at=timezone.now()
        )


@pytest.mark.parametrize("flagships", [1, 6])
def test_counting_a_kecamatan_takes_the_same_queries_however_many_flagships(
    flagships, django_assert_num_queries
):
    grow_flagships(flagships)
    villages = Village.objects.filter(district_id=CIRUAS)
    with django_assert_num_queries(1):
        # 1 villages per situation, the flagships' signs of needing help in SQL (needy_flagships)
        counts = AreaSituations(villages, ON).counts()
    assert counts["total"]["needs_help"] == flagships


@pytest.mark.parametrize("flagships", [1, 6])
def test_describing_a_page_of_villages_takes_the_same_queries_however_many(
    flagships, django_assert_num_queries
):
    grow_flagships(flagships)
    area = AreaSituations(Village.objects.filter(district_id=CIRUAS), ON)
    with django_assert_num_queries(7):
        # 1 the page of villages with what they show, 2-5 the page's flagships with their latest
        # assessment and open flag, their expired documents, those overdue a mentoring visit, their
        # recent outcome figures (flagship_help_signals), 6 the help per situation, 7 what they received
        villages = area.describe(
            for_situation_list(Village.objects.filter(district_id=CIRUAS)).order_by("code")
        )
    assert sum(1 for v in villages if v.situation == Situation.NEEDS_HELP) == flagships


def test_a_new_flagships_first_visit_is_due_the_mentoring_period_after_its_designation():
    product = healthy_flagship(decree_date=ON - datetime.timedelta(days=90))
    product.visits.all().delete()
    assert situation()[0] == Situation.THRIVING
    Designation.objects.filter(product=product).update(decree_date=ON - datetime.timedelta(days=91))
    assert situation() == (Situation.NEEDS_HELP, ["Belum pernah dikunjungi pendamping sejak ditetapkan"])


def test_one_villages_situation_takes_two_queries_and_six_for_a_flagship(
    officer_a, django_assert_num_queries
):
    village = Village.objects.get(code=BUMIJAYA)
    with django_assert_num_queries(2):
        # 1 the village with what it shows and its open flag (no flagship: no signals to read), 2 the
        # help its situation calls for with when each kind was last delivered
        village_situation(village, ON)
    healthy_flagship()
    help_flag_raise(village=village, reason="Perajin sakit", raised_by=officer_a)
    with django_assert_num_queries(6):
        # 1 the village, 2 the flagship with its latest assessment and open flag, 3 its expired
        # documents, 4 whether it is overdue a visit, 5 its recent outcome figures, 6 the help with last
        # deliveries
        described = village_situation(village, ON)
    assert described.open_flag_reason == "Perajin sakit"
    assert described.open_flag_raised_by == officer_a.username


def test_the_programme_office_edits_the_help_per_situation_in_the_admin(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    changelist = client.get(reverse("admin:assistance_situationhelp_changelist"))
    assert changelist.status_code == 200 and "Pengenalan tren" in changelist.content.decode()
    help_row = SituationHelp.objects.get(situation="thriving", kind="tren")
    assert client.get(reverse("admin:assistance_situationhelp_change", args=[help_row.pk])).status_code == 200
    assert client.get(reverse("admin:assistance_helpflag_changelist")).status_code == 200
