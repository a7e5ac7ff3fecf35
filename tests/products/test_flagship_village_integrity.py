"""A flagship, or a product proposed as one, stays in the village the Dinas decides on: no path moves
it (form, import, admin, a script's save()), approval re-checks it under the lock, and the public pages
never show a flagship in a village other than the designated one, whatever the data says."""

import datetime
import io
import threading

import openpyxl
import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse

from catalogue.coverage import FLAGSHIP, PRODUCTS
from core.errors import Refused
from products import services
from products.models import Designation, Product, VillageStatus
from products.resources import ProductResource
from products.selectors import with_ovop_status
from tests.factories import BUMIJAYA, CIRUAS, DesignationFactory, ProductFactory, approval_data, make_officer
from villages.models import Village

DECREE_DATE = datetime.date(2026, 3, 2)
PRODUCT_HEADERS = ProductResource().get_export_headers()


def products_file(*rows: dict) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(PRODUCT_HEADERS)
    for row in rows:
        workbook.active.append([row.get(header, "") for header in PRODUCT_HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def preview(client, data: bytes):
    """Upload a products file and follow to its preview; returns (preview response, reference)."""
    response = client.post(
        reverse("officials:import"),
        {"kind": "produk", "file": SimpleUploadedFile("produk.xlsx", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url), response.url.split("ref=")[1]


def confirm(client, ref: str):
    return client.post(reverse("officials:import_preview"), {"ref": ref})


def other_ciruas_village() -> Village:
    """A second village of kecamatan Ciruas: within officer A's area, so only the rule can refuse it."""
    return Village.objects.filter(district_id=CIRUAS).exclude(code=BUMIJAYA).order_by("code").first()


def propose(product, user) -> Designation:
    return services.designation_propose(product=product, proposed_by=user, year=2026)


def approve(designation, user) -> Designation:
    return services.designation_approve(
        designation=designation,
        decided_by=user,
        decree_number="SK-7/2026",
        decree_date=DECREE_DATE,
        expected_current_id=None,
    )


def product_form_data(client, product: Product, **overrides) -> dict:
    """The product's edit form as the page shows it (its hidden fields included), with changes."""
    form = client.get(reverse("products:product_update", args=[product.pk])).context["form"]
    data = {field.name: field.value() for field in form.hidden_fields()}
    data |= {
        "name": product.name,
        "village": product.village_id,
        "category": product.category_id,
        "status": product.status,
        "market_reach": product.market_reach,
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


@pytest.fixture
def flagship(db) -> Product:
    return DesignationFactory(
        approved=True, product__name="Gerabah Bumijaya", decree_number="SK-7/2026"
    ).product


@pytest.fixture
def proposed(db) -> Product:
    return DesignationFactory(product__name="Emping Usulan").product


# --- the product form ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_cannot_move_an_approved_flagship_to_another_village_with_the_product_form(
    officer_a_client, flagship
):
    target = other_ciruas_village()

    response = officer_a_client.post(
        reverse("products:product_update", args=[flagship.pk]),
        product_form_data(officer_a_client, flagship, village=target.code),
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["village"]
    assert "produk unggulan Desa Bumijaya yang ditetapkan Dinas (SK SK-7/2026)" in message
    assert "Minta Dinas mengakhiri penetapan itu lebih dulu" in message
    flagship.refresh_from_db()
    assert flagship.village_id == BUMIJAYA


@pytest.mark.django_db
def test_officer_cannot_move_a_proposed_product_to_another_village_with_the_product_form(
    officer_a_client, proposed
):
    response = officer_a_client.post(
        reverse("products:product_update", args=[proposed.pk]),
        product_form_data(officer_a_client, proposed, village=other_ciruas_village().code),
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["village"]
    assert "sedang diusulkan sebagai produk unggulan Desa Bumijaya (usulan tahun 2026)" in message
    proposed.refresh_from_db()
    assert proposed.village_id == BUMIJAYA


@pytest.mark.django_db
def test_officer_can_still_edit_a_flagships_other_fields(officer_a_client, flagship):
    response = officer_a_client.post(
        reverse("products:product_update", args=[flagship.pk]),
        product_form_data(officer_a_client, flagship, name="Gerabah Bumijaya Baru"),
    )

    assert response.status_code == 302
    flagship.refresh_from_db()
    assert (flagship.name, flagship.village_id) == ("Gerabah Bumijaya Baru", BUMIJAYA)


@pytest.mark.django_db
def test_after_the_designation_ends_the_product_can_move(officer_a_client, flagship, dinas):
    services.designation_end(
        designation=flagship.designations.get(), ended_by=dinas, reason="Produksi berhenti."
    )
    target = other_ciruas_village()

    response = officer_a_client.post(
        reverse("products:product_update", args=[flagship.pk]),
        product_form_data(officer_a_client, flagship, village=target.code),
    )

    assert response.status_code == 302
    flagship.refresh_from_db()
    assert flagship.village_id == target.code


@pytest.mark.django_db
def test_after_the_proposal_is_rejected_the_product_can_move(proposed, dinas):
    services.designation_reject(
        designation=proposed.designations.get(), decided_by=dinas, reason="Belum siap."
    )
    target = other_ciruas_village()

    proposed.village = target
    proposed.full_clean()
    proposed.save()

    assert Product.objects.get(pk=proposed.pk).village_id == target.code


# --- the admin and scripts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_change_form_refuses_to_move_a_flagship(admin_user, flagship):
    model_admin = admin.site._registry[Product]
    request = RequestFactory().post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, flagship, change=True)
    data = {name: field.initial for name, field in form_class.base_fields.items()}
    data |= {
        "name": flagship.name,
        "category": flagship.category_id,
        "status": flagship.status,
        "market_reach": flagship.market_reach,
        "village": other_ciruas_village().code,
    }

    form = form_class(data, instance=flagship)

    assert not form.is_valid()
    assert "Minta Dinas mengakhiri penetapan itu lebih dulu" in form.errors["village"][0]
    assert Product.objects.get(pk=flagship.pk).village_id == BUMIJAYA


@pytest.mark.django_db
def test_a_script_calling_save_cannot_move_a_flagship(flagship):
    product = Product.objects.get(pk=flagship.pk)
    product.village = other_ciruas_village()

    with pytest.raises(ValidationError) as refusal:
        product.save()

    assert "Minta Dinas mengakhiri penetapan itu lebih dulu" in refusal.value.message_dict["village"][0]
    assert Product.objects.get(pk=flagship.pk).village_id == BUMIJAYA


@pytest.mark.django_db
def test_an_instance_not_read_from_the_database_cannot_move_a_proposed_product_either(proposed):
    stray = Product(
        pk=proposed.pk,
        slug=proposed.slug,
        name=proposed.name,
        village=other_ciruas_village(),
        category_id=proposed.category_id,
        created_at=proposed.created_at,
    )

    with pytest.raises(ValidationError):
        stray.save()

    assert Product.objects.get(pk=proposed.pk).village_id == BUMIJAYA


@pytest.mark.django_db
def test_saving_only_other_fields_of_a_flagship_is_not_checked_or_refused(flagship):
    product = Product.objects.get(pk=flagship.pk)
    product.name = "Nama Baru"

    product.save(update_fields=["name"])

    assert Product.objects.get(pk=flagship.pk).name == "Nama Baru"


# --- the spreadsheet import ----------------------------------------------------------------------------


def _match_by_name_only(self, instance_loader, row):
    """An import that recognises a product by its name alone (as a faster or different matching
    might): then a row can name another village for an existing product."""
    return Product.objects.filter(name=row.get("Nama produk")).first()


@pytest.mark.django_db
def test_an_import_row_moving_a_flagship_is_refused_and_nothing_is_imported(
    officer_a_client, flagship, monkeypatch
):
    monkeypatch.setattr(ProductResource, "get_instance", _match_by_name_only)
    target = other_ciruas_village()
    data = products_file(
        {"Kode desa": BUMIJAYA, "Nama produk": "Keripik Baru", "Kategori": "kerajinan"},
        {"Kode desa": target.code, "Nama produk": "Gerabah Bumijaya", "Kategori": "kerajinan"},
    )

    page, ref = preview(officer_a_client, data)

    [(row, column, message)] = page.context["report"].errors
    assert (row, column) == (3, "Kode desa")
    assert "Minta Dinas mengakhiri penetapan itu lebih dulu" in message
    assert confirm(officer_a_client, ref).status_code == 400
    assert not Product.objects.filter(name="Keripik Baru").exists()
    assert Product.objects.get(pk=flagship.pk).village_id == BUMIJAYA


# --- approval re-checks the village ---------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_a_proposal_whose_product_was_moved_behind_the_services_back_is_refused(proposed, dinas):
    target = other_ciruas_village()
    Product.objects.filter(pk=proposed.pk).update(village=target)  # bypasses save() and clean()
    designation = proposed.designations.get()

    with pytest.raises(Refused) as refusal:
        approve(designation, dinas)

    assert "kini tercatat di desa lain, bukan di Desa Bumijaya yang diusulkan" in refusal.value.message
    designation.refresh_from_db()
    assert designation.status == Designation.Status.PROPOSED
    assert not Designation.objects.approved().exists()


@pytest.mark.django_db
def test_the_approve_page_shows_the_refusal_of_a_moved_product(dinas_client, proposed):
    Product.objects.filter(pk=proposed.pk).update(village=other_ciruas_village())
    designation = proposed.designations.get()

    response = dinas_client.post(
        reverse("products:designation_approve", args=[designation.pk]),
        approval_data(),
        follow=True,
    )

    assert response.status_code == 200
    assert "kini tercatat di desa lain" in response.content.decode()
    assert not Designation.objects.approved().exists()


# --- the public pages never follow inconsistent data ----------------------------------------------------


@pytest.mark.django_db
def test_public_pages_still_show_a_flagship_in_its_own_village(client, flagship):
    home = client.get(reverse("catalogue:home"))
    village_page = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA]))
    map_page = client.get(reverse("catalogue:map"))

    assert home.context["flagship_count"] == 1
    rows = home.context["coverage_map"].rows
    assert {row.code: row.counts[FLAGSHIP] for row in rows if row.counts[FLAGSHIP]} == {CIRUAS: 1}
    assert village_page.context["flagship"] == flagship
    flagships_on_map = [v for v in map_page.context["places"] if v.public_situation == FLAGSHIP]
    assert [(v.code, v.flagship_slug) for v in flagships_on_map] == [(BUMIJAYA, flagship.slug)]


@pytest.mark.django_db
def test_public_pages_never_show_a_moved_flagship_as_the_other_villages_flagship(client, flagship):
    target = other_ciruas_village()
    Product.objects.filter(pk=flagship.pk).update(village=target)  # forced: every guard bypassed

    home = client.get(reverse("catalogue:home"))
    target_page = client.get(reverse("catalogue:village_detail", args=[target.code]))
    old_page = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA]))
    district = client.get(reverse("catalogue:district_detail", args=[CIRUAS]))
    map_page = client.get(reverse("catalogue:map"))
    catalogue = client.get(reverse("catalogue:list"), {"jenis": "unggulan"})
    product_page = client.get(reverse("catalogue:product", args=[flagship.slug]))

    assert home.context["flagship_count"] == 0
    assert list(home.context["featured"]) == []
    assert all(row.counts[FLAGSHIP] == 0 for row in home.context["coverage_map"].rows)
    assert target_page.context["flagship"] is None
    assert old_page.context["flagship"] is None
    assert all(not v.flagship_name for v in district.context["page_obj"])
    assert district.context["flagship_count"] == 0
    # the moved product is one of its new village's products there, and nobody's flagship
    assert [(v.code, v.public_situation) for v in map_page.context["places"]] == [(target.code, PRODUCTS)]
    assert "Gerabah Bumijaya" not in map_page.content.decode()
    assert list(catalogue.context["page_obj"]) == []
    assert product_page.context["product"].is_flagship is False


@pytest.mark.django_db
def test_the_village_status_follows_only_designations_of_products_still_in_the_village(flagship):
    target = other_ciruas_village()
    Product.objects.filter(pk=flagship.pk).update(village=target)

    statuses = dict(
        with_ovop_status(Village.objects.filter(code__in=[BUMIJAYA, target.code])).values_list(
            "code", "ovop_status"
        )
    )

    assert statuses == {BUMIJAYA: VillageStatus.NONE, target.code: VillageStatus.HAS_PRODUCTS}


# --- a move and a proposal at the same moment ---------------------------------------------------------


@pytest.mark.postgres_only
def test_a_proposal_made_while_the_product_is_being_moved_waits_and_is_refused(regions):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL; SQLite serialises all writes")
    officer = make_officer("petugas-ciruas-2", CIRUAS)
    product = ProductFactory(name="Kerupuk Kulit")
    target = other_ciruas_village()
    moved, release = threading.Event(), threading.Event()
    mover_pid: list[int] = []
    outcome: dict[str, object] = {}

    def move() -> None:
        try:
            from django.db import transaction

            with transaction.atomic():
                mover_pid.append(connections["default"].connection.info.backend_pid)
                moving = Product.objects.get(pk=product.pk)
                moving.village = target
                moving.save()  # holds the product row until the transaction ends
                moved.set()
                release.wait(timeout=30)
        finally:
            connections["default"].close()

    def propose_meanwhile() -> None:
        try:
            stale = Product.objects.get(pk=product.pk)  # still in Bumijaya, as the officer saw it
            outcome["proposed"] = propose(stale, officer)
        except Refused as refusal:
            outcome["refused"] = refusal.message
        finally:
            connections["default"].close()

    mover = threading.Thread(target=move)
    mover.start()
    assert moved.wait(timeout=30)
    proposer = threading.Thread(target=propose_meanwhile)
    # The proposal reads its stale product before the move commits.
    proposer.start()
    _wait_until_blocked_behind(mover_pid[0])
    release.set()
    mover.join(timeout=30)
    proposer.join(timeout=30)

    assert "baru saja dipindahkan" in str(outcome.get("refused"))
    assert not Designation.objects.exists()
    assert Product.objects.get(pk=product.pk).village_id == target.code


def _wait_until_blocked_behind(pid: int) -> None:
    """Wait for the event 'another backend waits on a lock held by `pid`' (PostgreSQL reports it)."""
    with connection.cursor() as cursor:
        for _ in range(3000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid]
            )
            if cursor.fetchone()[0]:
                return
            cursor.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("the proposal never waited for the move's lock")
