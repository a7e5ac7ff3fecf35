"""Lost updates: two officials editing the same record never both see "saved" with one's changes gone.

Each edit form carries the version of the row it showed; a save whose version is no longer the row's
is refused, and the form comes back with the official's input, what changed meanwhile, and the
current version, so that a second save overwrites knowingly.
"""

import datetime
import threading
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from assistance.forms import ProgrammeForm
from assistance.models import Delivery, MentoringVisit, Programme
from core.concurrency import EditConflict, FieldConflict, save_versioned
from products.models import Producer, Product
from tests.factories import BUMIJAYA, ProductFactory, make_dinas
from tests.portal.test_history import delivery_form, producer_form, product_form, programme_form
from tests.postgres import another_session_waits_for_a_lock

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CONFLICT_TEXT = "sudah diubah orang lain sejak Anda membuka formulir ini"


@pytest.fixture
def dinas2_client(client_class):
    client = client_class()
    client.force_login(make_dinas("dinas-kedua"))
    return client


def visit_form(**overrides) -> dict:
    data = {
        "visited_on": "2026-04-01",
        "findings": "Kemasan perlu diperbaiki",
        "next_action": "Buat label baru",
        "next_action_due": "2026-05-01",
        "next_action_done": "",
    }
    data.update(overrides)
    return data


@dataclass
class Kind:
    """One versioned kind: how to create it, its edit page, and two officials' different edits."""

    name: str
    url: str
    data: Any  # overrides -> the edit form's data
    first: tuple[str, str]  # the first official's change (field, value)
    second: tuple[str, str]  # the second official's change
    # What the conflict page lists: (label, the second official's value, the value saved by the first)
    shown: tuple[str, str, str]


def _programme() -> Programme:
    return Programme.objects.create(
        name="Kemasan",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbn",
        agency="Disperindag",
        status="running",
    )


def create(kind: str, officer_a_client, dinas_client):
    """The object, created through its own page (as officials do), and the two clients editing it."""
    if kind == "product":
        officer_a_client.post(reverse("products:product_create"), product_form())
        return Product.objects.get(), officer_a_client, dinas_client
    if kind == "producer":
        officer_a_client.post(reverse("products:producer_create"), producer_form())
        return Producer.objects.get(), officer_a_client, dinas_client
    if kind == "programme":
        dinas_client.post(reverse("assistance:programme_create"), programme_form())
        return Programme.objects.get(), dinas_client, None
    if kind == "delivery":
        programme = _programme()
        dinas_client.post(reverse("assistance:delivery_create", args=[programme.pk]), delivery_form(BUMIJAYA))
        return Delivery.objects.get(), dinas_client, None
    product = ProductFactory()
    officer_a_client.post(reverse("assistance:visit_create_for_product", args=[product.pk]), visit_form())
    return MentoringVisit.objects.get(), officer_a_client, dinas_client


KINDS = {
    "product": Kind(
        "product",
        "products:product_update",
        product_form,
        ("name", "Gerabah Pertama"),
        ("price_min", "20.000"),
        ("Nama produk", "Gerabah Hias", "Gerabah Pertama"),
    ),
    "producer": Kind(
        "producer",
        "products:producer_update",
        producer_form,
        ("workers", "9"),
        ("owner_name", "Ibu Sari"),
        ("Jumlah pekerja", "4", "9"),
    ),
    "programme": Kind(
        "programme",
        "assistance:programme_update",
        programme_form,
        ("budget", "40.000.000"),
        ("description", "Untuk 20 UMKM"),
        ("Pagu anggaran (Rp)", "30.000.000", "40.000.000"),
    ),
    "delivery": Kind(
        "delivery",
        "assistance:delivery_update",
        lambda **kw: delivery_form(BUMIJAYA, **kw),
        ("description", "Desain kemasan dan label"),
        ("value", "9.000.000"),
        ("Uraian", "Desain kemasan", "Desain kemasan dan label"),
    ),
    "visit": Kind(
        "visit",
        "assistance:visit_update",
        visit_form,
        ("findings", "Label sudah dicetak"),
        ("next_action_done", "on"),
        ("Temuan", "Kemasan perlu diperbaiki", "Label sudah dicetak"),
    ),
}

STORED = {  # the stored value of each kind's second change, once saved
    "product": ("price_min", 20_000),
    "producer": ("owner_name", "Ibu Sari"),
    "programme": ("description", "Untuk 20 UMKM"),
    "delivery": ("value", 9_000_000),
    "visit": ("next_action_done", True),
}
FIRST_STORED = {
    "product": "Gerabah Pertama",
    "producer": 9,
    "programme": 40_000_000,
    "delivery": "Desain kemasan dan label",
    "visit": "Label sudah dicetak",
}


def seen_version(client, url: str) -> str:
    """Open the edit form as the official's browser does and read the version it carries."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert f'name="row_version" value="{form["row_version"].value()}"' in response.content.decode()
    return str(form["row_version"].value())


@pytest.mark.parametrize("name", list(KINDS))
def test_the_second_of_two_officials_saving_the_same_record_gets_the_conflict_and_nothing_is_lost(
    name, officer_a_client, dinas_client, dinas2_client
):
    kind = KINDS[name]
    obj, first_client, second_client = create(name, officer_a_client, dinas_client)
    second_client = second_client or dinas2_client
    url = reverse(kind.url, args=[obj.pk])
    first_seen, second_seen = seen_version(first_client, url), seen_version(second_client, url)
    assert first_seen == second_seen

    first = first_client.post(url, kind.data(**{kind.first[0]: kind.first[1], "row_version": first_seen}))
    assert first.status_code == 302
    second_data = kind.data(**{kind.second[0]: kind.second[1], "row_version": second_seen})
    second = second_client.post(url, second_data)

    assert second.status_code == 200
    form = second.context["form"]
    assert form.conflicts == [FieldConflict(*kind.shown)]
    html = second.content.decode()
    assert CONFLICT_TEXT in html
    label, theirs, current = kind.shown
    assert f'<th scope="row">{label}</th><td>{theirs}</td><td>{current}</td>' in html
    # The second official's input is still in the form.
    assert form.data[kind.second[0]] == kind.second[1]
    obj.refresh_from_db()
    assert getattr(obj, kind.first[0]) == FIRST_STORED[name]  # the first official's change holds
    field, stored = STORED[name]
    assert getattr(obj, field) != stored  # and the second's was not written

    # Saving again, from the conflict page (it carries the current version), overwrites knowingly.
    current_version = form["row_version"].value()
    assert int(current_version) == obj.row_version
    again = second_client.post(url, {**second_data, "row_version": current_version})
    assert again.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == stored


@pytest.mark.parametrize("name", list(KINDS))
def test_a_form_opened_before_a_change_made_outside_the_forms_conflicts(
    name, officer_a_client, dinas_client, dinas2_client
):
    """The admin, imports and services save through Model.save(): the version moves on there too."""
    kind = KINDS[name]
    obj, client, _ = create(name, officer_a_client, dinas_client)
    url = reverse(kind.url, args=[obj.pk])
    seen = seen_version(client, url)
    obj.refresh_from_db()
    setattr(obj, kind.first[0], FIRST_STORED[name])
    obj.save()

    response = client.post(url, kind.data(**{kind.second[0]: kind.second[1], "row_version": seen}))

    assert response.status_code == 200
    assert response.context["form"].conflicts == [FieldConflict(*kind.shown)]
    obj.refresh_from_db()
    assert getattr(obj, STORED[name][0]) != STORED[name][1]


def test_a_form_opened_before_an_admin_change_conflicts(admin_client, dinas_client):
    dinas_client.post(reverse("assistance:programme_create"), programme_form())
    programme = Programme.objects.get()
    url = reverse("assistance:programme_update", args=[programme.pk])
    seen = seen_version(dinas_client, url)
    admin_data = {
        **programme_form(budget="45000000", description="Diubah admin"),
        "deliveries-TOTAL_FORMS": "0",
        "deliveries-INITIAL_FORMS": "0",
        "deliveries-MIN_NUM_FORMS": "0",
        "deliveries-MAX_NUM_FORMS": "1000",
    }
    admin = admin_client.post(reverse("admin:assistance_programme_change", args=[programme.pk]), admin_data)
    assert admin.status_code == 302

    response = dinas_client.post(url, programme_form(name="Kemasan baru", row_version=seen))

    assert response.status_code == 200
    conflicts = response.context["form"].conflicts
    assert FieldConflict("Pagu anggaran (Rp)", "30.000.000", "45.000.000") in conflicts
    assert FieldConflict("Keterangan", "–", "Diubah admin") in conflicts
    programme.refresh_from_db()
    assert (programme.name, programme.budget) == ("Redesain kemasan 2026", 45_000_000)


def test_a_record_deleted_while_its_form_was_open_is_not_brought_back_by_saving(officer_a_client):
    officer_a_client.post(reverse("products:producer_create"), producer_form())
    producer = Producer.objects.get()
    url = reverse("products:producer_update", args=[producer.pk])
    seen = seen_version(officer_a_client, url)
    # Deleted meanwhile: the edit page now answers 404 before any form is bound.
    producer.delete()
    assert officer_a_client.post(url, producer_form(row_version=seen)).status_code == 404
    assert not Producer.objects.exists()


@pytest.mark.parametrize("version", ["abc", "", "-1", "1e3", "9" * 40, "١"])
def test_a_tampered_version_is_refused_with_a_message_not_an_error_page(officer_a_client, version):
    officer_a_client.post(reverse("products:product_create"), product_form())
    product = Product.objects.get()
    url = reverse("products:product_update", args=[product.pk])
    response = officer_a_client.post(url, product_form(name="Diubah", row_version=version))
    assert response.status_code == 200
    assert "Muat ulang halaman" in response.content.decode()
    product.refresh_from_db()
    assert product.name == "Gerabah Hias"


def test_each_save_adds_one_to_the_version_and_the_history_records_it(officer_a_client):
    officer_a_client.post(reverse("products:product_create"), product_form())
    product = Product.objects.get()
    assert product.row_version == 1
    url = reverse("products:product_update", args=[product.pk])
    for expected, name in ((2, "Satu"), (3, "Dua")):
        seen = seen_version(officer_a_client, url)
        assert officer_a_client.post(url, product_form(name=name, row_version=seen)).status_code == 302
        product.refresh_from_db()
        assert product.row_version == expected
    product.save(update_fields=["name"])  # a partial save moves it on too
    product.refresh_from_db()
    assert product.row_version == 4
    assert sorted(Product.history.filter(id=product.pk).values_list("row_version", flat=True)) == [1, 2, 3, 4]


def test_the_version_is_not_shown_as_a_change_in_the_history(officer_a_client):
    officer_a_client.post(reverse("products:product_create"), product_form())
    product = Product.objects.get()
    url = reverse("products:product_update", args=[product.pk])
    officer_a_client.post(url, product_form(name="Baru", row_version=seen_version(officer_a_client, url)))
    latest = officer_a_client.get(product.get_absolute_url()).context["change_history"].entries[0]
    assert [change.label for change in latest.changes] == ["Nama produk"]


def test_an_officer_cannot_edit_a_visit_of_another_kecamatan(officer_a_client, officer_b_client):
    product = ProductFactory()  # Bumijaya, Ciruas
    officer_a_client.post(reverse("assistance:visit_create_for_product", args=[product.pk]), visit_form())
    visit = MentoringVisit.objects.get()
    url = reverse("assistance:visit_update", args=[visit.pk])
    assert officer_b_client.get(url).status_code == 404
    assert officer_b_client.post(url, visit_form(findings="Diubah")).status_code == 404
    visit.refresh_from_db()
    assert visit.findings == "Kemasan perlu diperbaiki"


# --- PostgreSQL: two saves at the same moment -------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_saves_with_the_same_version_at_the_same_moment_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two connections writing at once; SQLite's IMMEDIATE transactions (settings.py) take "
            "the single write lock at BEGIN, so the second save cannot even start before the first ends"
        )
    programme = _programme()
    seen = programme.row_version
    first_claimed, second_waiting = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def save(name: str, description: str, hold: bool) -> None:
        try:
            instance = Programme.objects.get(pk=programme.pk)
            data = {**programme_form(description=description), "row_version": str(seen)}
            data["budget"] = "50.000.000"
            form = ProgrammeForm(data, instance=instance)
            assert form.is_valid(), form.errors

            def write():
                if hold:  # inside the claim's transaction, the row locked: let the other one try
                    first_claimed.set()
                    assert second_waiting.wait(timeout=30)
                return form.save()

            try:
                save_versioned(form, write)
                outcomes[name] = "saved"
            except EditConflict:
                outcomes[name] = "conflict"
        except BaseException as error:  # surfaced by the assertion below
            outcomes[name] = repr(error)
            first_claimed.set()
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first", "Dari petugas pertama", True))
    second = threading.Thread(target=save, args=("second", "Dari petugas kedua", False))
    first.start()
    assert first_claimed.wait(timeout=30)
    second.start()
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=30)
    while not another_session_waits_for_a_lock():  # the second save is blocked on the claimed row
        assert datetime.datetime.now() < deadline, outcomes
    second_waiting.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcomes == {"first": "saved", "second": "conflict"}
    programme.refresh_from_db()
    assert (programme.description, programme.row_version) == ("Dari petugas pertama", seen + 1)
