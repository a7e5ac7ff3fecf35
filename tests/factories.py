import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from assistance.models import Delivery, MentoringVisit, OutcomeRecord, Programme
from products.models import Category, Designation, LegalityDocument, Producer, Product
from products.services import designation_approve
from villages.models import OfficerArea, Village
from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

BUMIJAYA = "36.04.09.2009"  # Desa Bumijaya, Kecamatan Ciruas
CIRUAS = "36.04.09"
KRAMATWATU = "36.04.05"
KRAMATWATU_VILLAGE = "36.04.05.2001"
DECREE_DATE = datetime.date(2026, 3, 2)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-test-12345")


def make_officer(username: str, *district_codes: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=PETUGAS_KECAMATAN))
    for code in district_codes:
        OfficerArea.objects.create(user=user, district_id=code)
    return user


def make_dinas(username: str = "dinas"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    return user


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    business_name = factory.Sequence(lambda n: f"UMKM Contoh {n}")
    owner_name = "Ibu Contoh"
    village = factory.LazyFunction(lambda: Village.objects.get(code=BUMIJAYA))
    whatsapp = factory.Sequence(lambda n: f"+6281234{n:05d}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Produk Contoh {n}")
    village = factory.LazyFunction(lambda: Village.objects.get(code=BUMIJAYA))
    category = factory.LazyFunction(lambda: Category.objects.get(slug="kerajinan"))
    status = Product.Status.PUBLISHED


class LegalityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalityDocument

    kind = LegalityDocument.Kind.SPP_IRT
    number = factory.Sequence(lambda n: f"PIRT-{n}")
    issued_on = datetime.date(2024, 1, 1)


class DesignationFactory(factory.django.DjangoModelFactory):
    """A proposal for the product's own village by default.

    `DesignationFactory(approved=True)` makes the product its village's flagship through
    `designation_approve`, as the Dinas does: the village's current flagship, if any, ends and is
    replaced, and a product outside the designated village is refused, so no database rule is bypassed.
    """

    class Meta:
        model = Designation

    product = factory.SubFactory(ProductFactory)
    village = factory.SelfAttribute("product.village")
    year = 2026
    proposed_by = factory.SubFactory(UserFactory)

    class Params:
        approved = factory.Trait(
            status=Designation.Status.APPROVED,
            decided_by=factory.SubFactory(UserFactory),
            decree_number="SK-1",
            decree_date=DECREE_DATE,
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("status") != Designation.Status.APPROVED:
            return super()._create(model_class, *args, **kwargs)
        decision = {name: kwargs.pop(name) for name in ("decided_by", "decree_number", "decree_date")}
        kwargs["status"] = Designation.Status.PROPOSED
        proposal = super()._create(model_class, *args, **kwargs)
        current = model_class.objects.approved().filter(village_id=proposal.village_id).first()
        return designation_approve(
            designation=proposal, expected_current_id=current.pk if current else None, **decision
        )


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = "Redesain kemasan"
    kind = Programme.Kind.PACKAGING
    fiscal_year = 2026
    budget = 30_000_000
    funding_source = Programme.Funding.APBD_REGENCY
    agency = "Disperindag"
    status = Programme.Status.RUNNING


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A delivery written directly, without the budget check of `assistance.services.delivery_record`:
    for tests about what a delivery shows, not about the budget."""

    class Meta:
        model = Delivery

    programme = factory.SubFactory(ProgrammeFactory)
    village = factory.LazyAttribute(
        lambda o: o.product.village if o.product else Village.objects.get(code=BUMIJAYA)
    )
    product = None
    producer = None
    delivered_on = datetime.date(2026, 4, 1)
    value = 10_000_000
    description = "Kemasan"
    status = Delivery.Status.DELIVERED
    officer = factory.SubFactory(UserFactory)


class MentoringVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringVisit

    product = factory.SubFactory(ProductFactory)
    visited_on = datetime.date(2026, 5, 2)
    officer = factory.SubFactory(UserFactory)
    findings = "ok"


class OutcomeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeRecord

    product = factory.SubFactory(ProductFactory)
    year = 2026
    quarter = 1
    production_volume = 800
    volume_unit = "buah"
    turnover = 25_000_000
    workers = 18
    markets_reached = 3
    recorded_by = factory.SubFactory(UserFactory)


# --- what the officials' forms post, filled in validly; tests override the fields they are about ----------


def product_data(**overrides) -> dict:
    data = {
        "name": "Gerabah Hias",
        "village": BUMIJAYA,
        "category": Category.objects.get(slug="kerajinan").pk,
        "status": "published",
        "story": "Dibentuk dengan tangan.",
        "raw_materials": "Tanah liat",
        "price_min": "15.000",
        "price_max": "Rp 150.000",
        "price_unit": "per buah",
        "monthly_capacity": "500",
        "capacity_unit": "buah",
        "market_reach": "nasional",
    }
    return data | overrides


def producer_data(**overrides) -> dict:
    data = {
        "business_name": "Gerabah Ibu Sari",
        "owner_name": "Sari",
        "kind": "perorangan",
        "village": BUMIJAYA,
        "address": "Kampung Bumijaya",
        "whatsapp": "0812-3456-7890",
        "contact_consent": "on",
        "nib": "1234 5678 90123",
        "workers": "4",
        "year_started": "2010",
        "latitude": "",
        "longitude": "",
    }
    return data | overrides


def legality_data(**overrides) -> dict:
    data = {"kind": "spp_irt", "number": "X-1", "issued_on": "2025-01-01", "expires_on": ""}
    return data | overrides


def approval_data(**overrides) -> dict:
    """The Dinas's approval of a proposal, made while the village had no flagship."""
    data = {"decree_number": "SK-9", "decree_date": "2026-03-02", "expected_current": ""}
    return data | overrides


def programme_data(**overrides) -> dict:
    data = {
        "name": "Redesain kemasan 2026",
        "kind": "kemasan",
        "fiscal_year": "2026",
        "budget": "30.000.000",
        "funding_source": "apbd_kab",
        "agency": "Disperindag",
        "status": "running",
        "description": "",
    }
    return data | overrides


def delivery_data(village: str, **overrides) -> dict:
    data = {
        "village": village,
        "product": "",
        "producer": "",
        "delivered_on": "2026-04-01",
        "value": "Rp 10.000.000",
        "description": "Desain kemasan",
        "status": "delivered",
    }
    return data | overrides


def visit_data(**overrides) -> dict:
    data = {
        "visited_on": "2026-11-20",
        "findings": "Tungku dipakai penuh",
        "next_action": "",
        "next_action_due": "",
    }
    return data | overrides


def outcome_data(**overrides) -> dict:
    data = {
        "year": "2026",
        "quarter": "2",
        "production_volume": "1400",
        "volume_unit": "buah",
        "turnover": "52.000.000",
        "workers": "26",
        "markets_reached": "7",
        "new_legality_documents": "1",
    }
    return data | overrides
