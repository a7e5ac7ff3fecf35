"""Product.listed_as_flagship: the stored copy of "its village's approved flagship" that orders the
catalogue (issue 19). Kept by the models' signals whatever writes a designation, repaired daily where a
write went behind their back, and never trusted for the flagship badge."""

import pytest
from django.urls import reverse
from django.utils import timezone

from products import services
from products.models import Designation, Product
from products.tasks import refresh_flagship_listing
from tests.factories import ProductFactory
from tests.products.test_designation import approve, propose


def listed(*products) -> list[bool]:
    return [Product.objects.get(pk=product.pk).listed_as_flagship for product in products]


@pytest.mark.django_db
def test_the_flag_follows_approval_re_designation_and_end(officer_a, dinas):
    gerabah, batik = ProductFactory(name="Gerabah"), ProductFactory(name="Batik")
    proposal = propose(gerabah, officer_a)
    assert listed(gerabah, batik) == [False, False]  # a proposal is no flagship yet
    first = approve(proposal, dinas, number="SK-1")
    assert listed(gerabah, batik) == [True, False]
    second = approve(propose(batik, officer_a), dinas, number="SK-2", expected=first.pk)
    assert listed(gerabah, batik) == [False, True]  # the first ended in the same transaction
    services.designation_end(designation=second, ended_by=dinas, reason="Produksi berhenti")
    assert listed(gerabah, batik) == [False, False]


@pytest.mark.django_db
def test_saving_a_product_read_before_its_approval_does_not_write_the_old_flag_back(officer_a, dinas):
    product = ProductFactory()
    stale = Product.objects.get(pk=product.pk)  # an edit form opened before the decision
    approve(propose(product, officer_a), dinas)
    stale.story = "Cerita baru."
    stale.save()
    assert listed(product) == [True]


@pytest.mark.django_db
def test_a_write_behind_the_models_back_is_repaired_by_the_daily_task(officer_a, dinas):
    gerabah, batik = ProductFactory(), ProductFactory()
    approve(propose(gerabah, officer_a), dinas)
    # Written by hand: the signals never ran, so the stored flags are wrong both ways.
    Designation.objects.filter(product=gerabah).update(product=batik)
    assert listed(gerabah, batik) == [True, False]

    assert refresh_flagship_listing.call() == 2
    assert listed(gerabah, batik) == [False, True]
    assert refresh_flagship_listing.call() == 0  # only wrong rows are rewritten


@pytest.mark.django_db
def test_the_catalogue_orders_by_the_flag_but_badges_by_the_designations(client, officer_a, dinas):
    ProductFactory(name="Abon Ikan", status=Product.Status.PUBLISHED)
    flagship = ProductFactory(name="Zaitun Olahan", status=Product.Status.PUBLISHED)
    approve(propose(flagship, officer_a), dinas)

    page = client.get(reverse("catalogue:list")).context["page_obj"]
    assert [(p.name, p.is_flagship) for p in page] == [("Zaitun Olahan", True), ("Abon Ikan", False)]

    # A stale flag (the designation ended behind the models' back) may misplace the product until
    # the repair, but never shows it as a flagship.
    Designation.objects.filter(product=flagship).update(
        status=Designation.Status.ENDED, end_reason="Diakhiri di luar portal.", ended_at=timezone.now()
    )
    page = client.get(reverse("catalogue:list")).context["page_obj"]
    assert [(p.name, p.is_flagship) for p in page] == [("Zaitun Olahan", False), ("Abon Ikan", False)]
    refresh_flagship_listing.call()
    page = client.get(reverse("catalogue:list")).context["page_obj"]
    assert [p.name for p in page] == ["Abon Ikan", "Zaitun Olahan"]
