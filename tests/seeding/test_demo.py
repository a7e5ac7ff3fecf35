"""seed_demo: the demonstration data (accounts, the real cases of Serang, invented examples)."""

from io import StringIO

import pytest
from django.core.management import call_command

from products.models import LegalityDocument, Producer, Product, ProductPhoto

pytestmark = pytest.mark.django_db


def test_the_demo_creates_accounts_and_the_real_cases_and_is_safe_to_run_again(monkeypatch):
    monkeypatch.setenv("OVOP_DEMO_PASSWORD", "rahasia-demo-xyz")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    for username in ("admin", "dinas", "petugas-ciruas"):
        assert get_user_model().objects.get(username=username).check_password("rahasia-demo-xyz"), username
    assert "rahasia-demo-xyz" not in out.getvalue()  # a chosen password is never printed
    gerabah = Product.objects.get(name="Gerabah Bumijaya")
    assert gerabah.village_id == "36.04.09.2009"
    assert not gerabah.is_demo
    assert gerabah.photos.filter(is_cover=True).count() == 1
    assert Product.objects.filter(is_demo=True).exists()
    assert Producer.objects.filter(is_demo=False).count() == 0  # invented producers are marked
    assert LegalityDocument.objects.expiring().exists()
    assert LegalityDocument.objects.expired().exists()
    # Bangka Barat is not loaded in the test database, so its cases are skipped, not invented.
    assert not Product.objects.filter(name="Pempek Udang Belo Laut").exists()
    from assistance.models import Delivery, Programme
    from assistance.summaries import product_assistance
    from products.models import Assessment, Designation, due_for_assessment

    assert Programme.objects.values("kind").distinct().count() == 9
    assert set(Programme.objects.values_list("fiscal_year", flat=True)) == {2025, 2026}
    assert Delivery.objects.filter(description__icontains="tungku", product=gerabah).exists()
    comparison = product_assistance(gerabah)["comparison"]
    assert comparison["after"].turnover > comparison["before"].turnover

    bumijaya = Designation.objects.approved().get(village_id="36.04.09.2009")
    assert bumijaya.product == gerabah
    assert bumijaya.decree_number
    assert Designation.objects.proposed().count() == 2
    assert Assessment.objects.count() == 3
    due = {p.name for p in due_for_assessment(Product.objects.all())}
    assert "Golok Sukadalem" in due  # assessed four years ago
    assert "Gerabah Bumijaya" not in due
    counts = (
        Product.objects.count(),
        Producer.objects.count(),
        ProductPhoto.objects.count(),
        Designation.objects.count(),
        Assessment.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Product.objects.count(),
        Producer.objects.count(),
        ProductPhoto.objects.count(),
        Designation.objects.count(),
        Assessment.objects.count(),
    ) == counts
