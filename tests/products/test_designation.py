import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.errors import Refused
from products import services
from products.models import Designation, VillageStatus
from products.selectors import with_ovop_status
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    ProductFactory,
    approval_data,
    make_dinas,
)
from villages.models import Village

DECREE_DATE = datetime.date(2026, 3, 2)


def propose(product, user, notes=""):
    return services.designation_propose(product=product, proposed_by=user, year=2026, notes=notes)


def approve(designation, user, number="500/Kep.1-Huk/2026", expected=None):
    return services.designation_approve(
        designation=designation,
        decided_by=user,
        decree_number=number,
        decree_date=DECREE_DATE,
        expected_current_id=expected,
    )


def status_of(code: str) -> str:
    return with_ovop_status(Village.objects.filter(code=code)).get().ovop_status


# --- the rule, held by the database -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_approved_flagship_for_a_village(dinas):
    first, second = ProductFactory(), ProductFactory()
    fields = {
        "village_id": BUMIJAYA,
        "status": "approved",
        "year": 2026,
        "decree_number": "1",
        "decree_date": DECREE_DATE,
    }
    Designation.objects.create(
        product=first, decided_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC), **fields
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            product=second, decided_at=datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC), **fields
        )
    assert Designation.objects.approved().count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": "approved", "decree_number": "", "decree_date": DECREE_DATE},
        {"status": "approved", "decree_number": "1", "decree_date": None},
        {"status": "rejected", "rejection_reason": ""},
        {"status": "ended", "decree_number": "1", "decree_date": DECREE_DATE, "end_reason": ""},
        {"status": "bogus"},
    ],
)
def test_the_database_refuses_a_step_without_its_decree_or_reason(fields):
    now = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(
            product=ProductFactory(), village_id=BUMIJAYA, year=2026, decided_at=now, ended_at=now, **fields
        )


@pytest.mark.django_db
def test_a_product_of_another_village_is_refused():
    from django.core.exceptions import ValidationError

    designation = Designation(village_id=KRAMATWATU_VILLAGE, product=ProductFactory(), year=2026)
    with pytest.raises(ValidationError, match="bukan produk desa"):
        designation.full_clean()


# --- the workflow -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_follows_the_data_through_every_step(officer_a, dinas):
    product = None
    assert status_of(BUMIJAYA) == VillageStatus.NONE
    product = ProductFactory()
    assert status_of(BUMIJAYA) == VillageStatus.HAS_PRODUCTS
    proposal = propose(product, officer_a, "Sentra gerabah")
    assert status_of(BUMIJAYA) == VillageStatus.PROPOSED
    approve(proposal, dinas)
    assert status_of(BUMIJAYA) == VillageStatus.DESIGNATED
    proposal.refresh_from_db()
    services.designation_end(designation=proposal, ended_by=dinas, reason="Produksi berhenti")
    assert status_of(BUMIJAYA) == VillageStatus.HAS_PRODUCTS
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ended_by, proposal.end_reason) == ("ended", dinas, "Produksi berhenti")


@pytest.mark.django_db
def test_a_re_designation_ends_the_first_and_keeps_it_in_history(officer_a, dinas):
    gerabah, batik = ProductFactory(name="Gerabah"), ProductFactory(name="Batik")
    first = approve(propose(gerabah, officer_a), dinas, number="SK-1")
    second_proposal = propose(batik, officer_a)
    second = approve(second_proposal, dinas, number="SK-2", expected=first.pk)
    first.refresh_from_db()
    assert first.status == "ended"
    assert first.replaced_by == second
    assert "Batik" in first.end_reason
    assert second.status == "approved"
    assert list(Designation.objects.approved().filter(village_id=BUMIJAYA)) == [second]
    assert Designation.objects.filter(village_id=BUMIJAYA).count() == 2


@pytest.mark.django_db
def test_approving_against_a_flagship_that_changed_meanwhile_is_refused_and_writes_nothing(officer_a, dinas):
    gerabah, batik, golok = ProductFactory(), ProductFactory(), ProductFactory()
    batik_proposal, golok_proposal = propose(batik, officer_a), propose(golok, officer_a)
    approve(propose(gerabah, officer_a), dinas)  # someone else designated gerabah meanwhile
    with pytest.raises(Refused, match="baru saja berubah"):
        approve(batik_proposal, dinas, expected=None)
    batik_proposal.refresh_from_db()
    assert batik_proposal.status == "proposed"
    assert Designation.objects.approved().get().product == gerabah
    assert golok_proposal.status == "proposed"


@pytest.mark.django_db
def test_a_decided_proposal_cannot_be_decided_again(dinas):
    proposal = DesignationFactory()
    services.designation_reject(designation=proposal, decided_by=dinas, reason="Belum siap")
    with pytest.raises(Refused, match="sudah diputuskan"):
        approve(proposal, dinas)
    with pytest.raises(Refused, match="sudah diputuskan"):
        services.designation_reject(designation=proposal, decided_by=dinas, reason="lagi")


@pytest.mark.django_db
def test_the_same_product_cannot_be_proposed_twice_while_waiting(officer_a):
    product = ProductFactory()
    propose(product, officer_a)
    with pytest.raises(Refused, match="sudah diusulkan"):
        propose(product, officer_a)


# --- pages and who may do what ----------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_proposes_and_dinas_approves_with_a_decree_through_the_pages(officer_a_client, dinas_client):
    gerabah = ProductFactory(name="Gerabah Bumijaya")
    response = officer_a_client.post(
        reverse("products:designation_propose", args=[BUMIJAYA]),
        {"product": gerabah.pk, "year": "2026", "notes": "Sentra 24 perajin"},
    )
    assert response.status_code == 302
    proposal = Designation.objects.get()
    assert proposal.proposed_by.username == "petugas-ciruas"
    awaiting = dinas_client.get(reverse("products:designation_list"))
    assert "Gerabah Bumijaya" in awaiting.content.decode()

    form_page = dinas_client.get(reverse("products:designation_approve", args=[proposal.pk]))
    assert "belum memiliki produk unggulan" in form_page.content.decode()
    response = dinas_client.post(
        reverse("products:designation_approve", args=[proposal.pk]),
        approval_data(decree_number="500/Kep.45-Huk/2026"),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decree_number, proposal.decided_by.username) == (
        "approved",
        "500/Kep.45-Huk/2026",
        "dinas",
    )
    page = officer_a_client.get(reverse("officials:village_registry", args=[BUMIJAYA])).content.decode()
    assert "500/Kep.45-Huk/2026" in page
    assert "Riwayat penetapan" in page


@pytest.mark.django_db
@pytest.mark.parametrize("expected_current", ["abc", "1.5", "\x00"])
def test_a_tampered_hidden_field_of_the_approval_is_explained_on_the_form(dinas_client, expected_current):
    proposal = DesignationFactory()
    response = dinas_client.post(
        reverse("products:designation_approve", args=[proposal.pk]),
        approval_data(expected_current=expected_current),
    )
    assert response.status_code == 200
    assert "Formulir ini tidak sesuai lagi dengan halamannya" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.django_db
def test_an_officer_cannot_approve_reject_or_end(officer_a_client):
    proposal = DesignationFactory()
    for name in ("designation_approve", "designation_reject", "designation_end"):
        url = reverse(f"products:{name}", args=[proposal.pk])
        assert officer_a_client.get(url).status_code == 403
        assert (
            officer_a_client.post(
                url, {"decree_number": "X", "decree_date": "2026-01-01", "reason": "x"}
            ).status_code
            == 403
        )
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.django_db
def test_an_officer_of_kecamatan_a_cannot_propose_in_b(officer_a_client):
    product = ProductFactory(village_id=KRAMATWATU_VILLAGE)
    url = reverse("products:designation_propose", args=[KRAMATWATU_VILLAGE])
    assert officer_a_client.get(url).status_code == 404
    assert officer_a_client.post(url, {"product": product.pk, "year": "2026"}).status_code == 404
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_a_product_of_another_village_cannot_be_forged_into_a_proposal(officer_a_client):
    other = ProductFactory(village_id="36.04.09.2002")  # Citerep, also Ciruas
    response = officer_a_client.post(
        reverse("products:designation_propose", args=[BUMIJAYA]), {"product": other.pk, "year": "2026"}
    )
    assert response.status_code == 200
    assert "product" in response.context["form"].errors
    assert not Designation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decree_number": "", "decree_date": "2026-03-02"}, "tidak boleh kosong"),
        ({"decree_number": "SK-1", "decree_date": "kemarin"}, "Masukkan tanggal yang valid"),
    ],
)
def test_an_approval_without_a_valid_decree_is_refused(dinas_client, data, message):
    proposal = DesignationFactory()
    response = dinas_client.post(reverse("products:designation_approve", args=[proposal.pk]), data)
    assert message in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_records_who_and_when(dinas_client):
    proposal = DesignationFactory()
    url = reverse("products:designation_reject", args=[proposal.pk])
    assert "tidak boleh kosong" in dinas_client.post(url, {"reason": ""}).content.decode()
    dinas_client.post(url, {"reason": "Bahan baku dari luar desa"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.rejection_reason, proposal.decided_by.username) == (
        "rejected",
        "Bahan baku dari luar desa",
        "dinas",
    )
    assert proposal.decided_at is not None


@pytest.mark.django_db
def test_a_stale_approval_page_answers_with_a_message_not_an_error(dinas_client, dinas):
    first, second = DesignationFactory.create_batch(2)
    approve(first, dinas)  # another official, while this one had the form open showing no flagship
    response = dinas_client.post(
        reverse("products:designation_approve", args=[second.pk]),
        approval_data(),
        follow=True,
    )
    assert response.status_code == 200
    assert "baru saja berubah" in response.content.decode()
    assert Designation.objects.approved().get().pk == first.pk


@pytest.mark.django_db
def test_village_list_counts_per_status_and_filters(dinas_client, django_assert_num_queries):
    DesignationFactory(approved=True)  # Bumijaya designated
    ProductFactory(village_id="36.04.09.2002")  # Citerep has products
    DesignationFactory(product__village_id=KRAMATWATU_VILLAGE)  # Kramatwatu proposed
    url = reverse("officials:village_list")
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 counts per kecamatan and status, 5 kecamatan choices,
        # 6 the page's codes in order (lean: no status computed to sort), 7 the count, 8 the page's
        # villages with kecamatan and status, 9 the served regency
        response = dinas_client.get(url)
    totals = response.context["totals"]
    assert (totals["designated"], totals["proposed"], totals["has_products"]) == (1, 1, 1)
    assert totals["none"] == 326 - 3
    ciruas = next(d for d in response.context["per_district"] if d["code"] == "36.04.09")
    assert (ciruas["designated"], ciruas["has_products"], ciruas["all"]) == (1, 1, 15)
    designated = dinas_client.get(url, {"status": "designated"}).context["page_obj"]
    assert [v.code for v in designated] == [BUMIJAYA]


@pytest.mark.django_db
def test_an_officer_sees_the_counts_of_their_kecamatan_only(officer_a_client):
    response = officer_a_client.get(reverse("officials:village_list"))
    assert response.context["totals"]["all"] == 15
    assert [d["code"] for d in response.context["per_district"]] == ["36.04.09"]


@pytest.mark.django_db
def test_admin_cannot_save_a_second_approved_flagship(admin_client):
    DesignationFactory(approved=True)
    other = DesignationFactory()
    response = admin_client.post(
        reverse("admin:products_designation_change", args=[other.pk]),
        {
            "village": BUMIJAYA,
            "product": other.product_id,
            "status": "approved",
            "year": "2026",
            "proposed_at_0": "2026-03-01",
            "proposed_at_1": "10:00:00",
            "decree_number": "SK-X",
            "decree_date": "2026-03-02",
            "decided_at_0": "2026-03-02",
            "decided_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "sudah memiliki produk unggulan" in response.content.decode()
    assert Designation.objects.approved().count() == 1


# --- two officials at the same moment (PostgreSQL) --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_officials_approving_at_once_exactly_one_wins(regions):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL; SQLite serialises all writes")
    dinas_a, dinas_b = make_dinas("dinas-a"), make_dinas("dinas-b")
    proposals = [propose(ProductFactory(), dinas_a), propose(ProductFactory(), dinas_b)]
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def decide(index: int, user) -> None:
        try:
            barrier.wait(timeout=10)
            approve(
                Designation.objects.get(pk=proposals[index].pk), user, number=f"SK-{index}", expected=None
            )
            results[index] = "approved"
        except Refused as refusal:
            results[index] = refusal.message
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i, u)) for i, u in enumerate((dinas_a, dinas_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values(), key=len)[0] == "approved"
    assert sum(1 for r in results.values() if r == "approved") == 1
    loser = next(r for r in results.values() if r != "approved")
    assert "baru saja berubah" in loser
    assert Designation.objects.approved().filter(village_id=BUMIJAYA).count() == 1
    assert Designation.objects.proposed().count() == 1  # the loser's proposal is untouched


@pytest.mark.django_db
def test_village_list_pages_sorted_by_status_and_searched(dinas_client):
    DesignationFactory(approved=True)  # Bumijaya designated
    ProductFactory(village_id="36.04.09.2002")  # Citerep has products
    url = reverse("officials:village_list")
    page = dinas_client.get(url, {"sort": "status"}).context["page_obj"]
    assert [v.ovop_status for v in page][:3] == ["designated", "has_products", "none"]
    assert page[0].code == BUMIJAYA and page[0].district.name
    searched = dinas_client.get(url, {"q": "Bumijaya"}).context["page_obj"]
    assert [(v.code, v.ovop_status) for v in searched] == [(BUMIJAYA, "designated")]
    assert searched.paginator.count == 1
