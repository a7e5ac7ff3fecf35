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
    from assistance.selectors import product_assistance
    from products.models import Assessment, Designation

    assert Programme.objects.values("kind").distinct().count() == 9
    assert set(Programme.objects.values_list("fiscal_year", flat=True)) == {2025, 2026}
    assert Delivery.objects.filter(description__icontains="tungku", product=gerabah).exists()
    comparison = product_assistance(gerabah)["comparison"]
    assert comparison["after"].turnover > comparison["before"].turnover

    bumijaya = Designation.objects.approved().get(village_id="36.04.09.2009")
    assert bumijaya.product == gerabah
    assert bumijaya.decree_number
    assert Designation.objects.proposed().count() == 4  # in this year's open round
    assert Assessment.objects.count() == 3
    due = {p.name for p in Product.objects.due_for_assessment()}
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


def test_the_serang_demo_shows_every_situation_across_kecamatan():
    """At least 25 villages in at least 5 kecamatan hold demo work, and every situation has villages;
    each situation's villages are the ones the demo meant."""
    from assistance.models import Exploration, HelpFlag, SuccessStory
    from assistance.situations import AreaSituations, flagship_help_signals
    from products.models import Designation, DesignationRound
    from villages.models import Village

    call_command("seed_demo", stdout=StringIO())
    area = AreaSituations(Village.objects.in_service_area())
    counts = area.counts()
    total = counts["total"]
    assert all(total[situation] > 0 for situation in ("explored", "has_products", "proposed", "thriving"))
    assert total["needs_help"] == 4 and total["thriving"] == 3
    worked = total["all"] - total["none"]
    assert worked >= 25
    assert sum(1 for d in counts["districts"] if d["none"] < d["all"]) >= 5
    signals = flagship_help_signals(Village.objects.in_service_area())  # the reasons, read one by one
    needy = {code: entry.reasons for code, entry in signals.items() if entry.reasons}
    assert any("Ditandai oleh petugas" in r for r in needy["36.04.17.2002"])  # the explicit flag
    assert any("SPP-IRT" in r for r in needy["36.04.17.2001"])  # expired legality
    assert any("Omzet turun" in r for r in needy["36.04.06.2006"])  # falling turnover
    assert any("capaian" in r for r in needy["36.04.19.2001"])  # no outcome figures
    assert "36.04.09.2009" not in needy  # the real gerabah of Bumijaya does well
    assert DesignationRound.objects.open().get().designations.count() == 4
    assert Designation.objects.get(product__name="Gerabah Bumijaya").decree.round.year == 2025
    assert Exploration.objects.filter(candidates__product__name="Sate Bandeng Ciruas").exists()
    assert HelpFlag.objects.filter(cleared_at__isnull=True).count() == 1
    assert SuccessStory.objects.public().filter(product__name="Gerabah Bumijaya").exists()


def test_the_bangka_barat_demo_holds_the_2016_decree_its_officer_and_its_own_programmes(settings):
    """Bangka Barat, loaded as its own deployment: the 2016 round recorded from its decree with its
    real date and no invented proposal, visits after it, a kecamatan officer, programmes of its own."""
    from django.contrib.auth import get_user_model

    from assistance.models import MentoringVisit, Programme
    from assistance.situations import AreaSituations
    from products.models import Designation
    from villages.models import Village

    settings.OVOP_REGENCY_CODE = settings.OVOP_AREA_CODE = "19.05"
    call_command("load_regions", "19.05", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    dendang = Designation.objects.get(village_id="19.05.04.2005")
    belo_laut = Designation.objects.get(village_id="19.05.01.2006")
    assert dendang.decree == belo_laut.decree and dendang.decree.round.year == 2016
    assert str(dendang.decree_date) == "2016-05-02" and dendang.proposed_at is None
    assert MentoringVisit.objects.filter(product=dendang.product, visited_on__year=2017).exists()
    assert (
        get_user_model()
        .objects.get(username="petugas-kelapa")
        .officer_areas.filter(district_id="19.05.04")
        .exists()
    )
    names = set(Programme.objects.values_list("name", flat=True))
    assert "Bantuan peralatan anyaman rotan" in names
    assert "Fasilitasi tungku pembakaran gerabah" not in names  # Serang's programmes stay Serang's
    total = AreaSituations(Village.objects.in_service_area()).counts()["total"]
    assert all(total[s] > 0 for s in ("explored", "has_products", "proposed", "thriving", "needs_help"))
