"""seed_scale: national-scale benchmark data, run here on one regency with a small scale."""

import csv
import datetime
import gzip
import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Sum

from assistance.models import Delivery, MentoringVisit, OutcomeRecord, Programme
from products.models import (
    Assessment,
    AssessmentScore,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    stars_for,
)
from products.search import search, search_refresh
from seeding.scale import DELIVERIES_PER_VILLAGE, data_models
from tests.factories import ProductFactory
from villages.models import Village

SERANG = "36.04"  # loaded for every test database (tests/conftest.py)
BANGKA_BARAT = "19.05"  # 66 villages: the quickest runs


@pytest.fixture(scope="module")
def region_file(tmp_path_factory):
    """The two regencies' rows of the national file: each run then reads 500 rows, not 91,600."""
    path = tmp_path_factory.mktemp("regions") / "wilayah.csv"
    kept = ("36", "19", SERANG, BANGKA_BARAT, SERANG + ".", BANGKA_BARAT + ".")
    with gzip.open(settings.OVOP_REGION_FILE, "rt", encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        with path.open("w", encoding="utf-8", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
            writer.writeheader()
            writer.writerows(
                row for row in reader if row["code"] in kept or row["code"].startswith(kept[-2:])
            )
    return path


@pytest.fixture
def seed(region_file):
    def run(*args: str, verbosity: int = 1) -> str:
        out = StringIO()
        call_command("seed_scale", *args, "--file", str(region_file), verbosity=verbosity, stdout=out)
        return out.getvalue()

    return run


def fingerprint() -> str:
    """A hash of every generated row, every column, in primary-key order."""
    digest = hashlib.sha256()
    for model in data_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.order_by("pk").values_list(*columns):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def serang(db, seed):
    return seed("--regions", SERANG, "--scale", "0.1", "--reset")


def test_one_regency_gets_about_70_percent_flagships_with_3_producers_each(serang):
    villages = Village.objects.filter(district__regency_id=SERANG).count()
    flagships = Designation.objects.approved().filter(village__district__regency_id=SERANG)
    assert 0.62 <= flagships.count() / villages <= 0.78
    assert 2.6 <= Product.producers.through.objects.count() / Product.objects.count() <= 3.4
    # Every product's producers are in its own village, and every product has some.
    assert not Product.objects.filter(producers__isnull=True).exists()
    assert (
        not Product.objects.exclude(producers__village=F("village")).filter(producers__isnull=False).exists()
    )
    this_year = datetime.date.today().year
    years = set(Programme.objects.values_list("fiscal_year", flat=True))
    assert years == {this_year - 2, this_year - 1, this_year}
    assert Programme.objects.count() == 2 * 3  # 2 per regency per year
    assert Delivery.objects.count() == round(villages * DELIVERIES_PER_VILLAGE * 0.1)
    assert Assessment.objects.values("product").distinct().count() >= 0.6 * flagships.count()
    assert MentoringVisit.objects.exists() and OutcomeRecord.objects.exists()
    assert Product.objects.filter(is_demo=False).count() == 0
    for stage in ("products", "designations", "documents", "deliveries", "outcomes"):
        assert f"  {stage}" in serang


def test_generated_rows_satisfy_every_model_rule(serang):
    for model in data_models():  # full_clean on 15 rows spread over each table
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for row in model._base_manager.filter(pk__in=pks[:: max(1, len(pks) // 15)]):
            row.full_clean()
    # At most one approved flagship per village, and a designation's product is of its village.
    per_village = Designation.objects.approved().values("village").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_village) == 1
    assert not Designation.objects.exclude(product__village=F("village")).exists()
    ended = Designation.objects.filter(status=Designation.Status.ENDED)
    assert ended.exists()
    assert not ended.exclude(replaced_by__status=Designation.Status.APPROVED).exists()
    # Deliveries go to the product's or producer's own village and never pass a programme's budget.
    assert not Delivery.objects.exclude(product__village=F("village")).filter(product__isnull=False).exists()
    assert (
        not Delivery.objects.exclude(producer__village=F("village")).filter(producer__isnull=False).exists()
    )
    for programme in Programme.objects.with_totals():
        assert programme.committed <= programme.budget
    # Documents: mixed kinds, some expired, halal ones never expire.
    assert LegalityDocument.objects.values("kind").distinct().count() >= 5
    assert LegalityDocument.objects.expired().exists()
    assert not LegalityDocument.objects.filter(kind="halal", expires_on__isnull=False).exists()
    # An assessment's stars follow from its scores.
    for assessment in Assessment.objects.annotate(points=Sum("scores__points"))[:40]:
        assert assessment.points == assessment.total_points
        assert assessment.stars == stars_for(assessment.total_points, assessment.max_points)
    assert AssessmentScore.objects.filter(points__gt=F("max_points")).count() == 0
    assert (
        Producer.objects.exclude(nib="").values("nib").distinct().count()
        == Producer.objects.exclude(nib="").count()
    )


def test_search_text_is_filled_as_search_refresh_would_and_no_history_is_written(serang):
    assert not Product.objects.filter(search_text="").exists()
    assert search_refresh() == 0  # nothing to correct
    product = Product.objects.select_related("village").order_by("pk").first()
    assert product in search(Product.objects.all(), product.village.name)
    for model in (Product, Producer, Designation, LegalityDocument, Programme, Delivery):
        assert model.history.count() == 0


def test_the_stored_flagship_flag_is_filled_as_the_designations_say(serang):
    assert Product.objects.refresh_flagship_listing() == 0  # nothing to correct
    truth = Product.objects.with_public_flagship().filter(is_flagship=True)
    stored = Product.objects.filter(listed_as_flagship=True)
    assert truth.exists() and set(stored.values_list("pk", flat=True)) == set(
        truth.values_list("pk", flat=True)
    )


def test_the_same_seed_gives_identical_rows_after_a_reset(db, seed):
    seed("--regions", BANGKA_BARAT, "--scale", "0.2", "--seed", "7", "--reset", verbosity=0)
    first = fingerprint()
    seed("--regions", BANGKA_BARAT, "--scale", "0.2", "--seed", "7", "--reset", verbosity=0)
    assert fingerprint() == first
    seed("--regions", BANGKA_BARAT, "--scale", "0.2", "--seed", "8", "--reset", verbosity=0)
    assert fingerprint() != first


def test_refuses_a_database_with_products_unless_reset(db, seed):
    real = ProductFactory(name="Gerabah Bumijaya")
    with pytest.raises(CommandError, match="--reset"):
        seed("--regions", BANGKA_BARAT)
    assert list(Product.objects.all()) == [real]
    assert not Programme.objects.exists()

    output = seed("--regions", BANGKA_BARAT, "--reset", verbosity=0)
    assert output == ""  # --verbosity 0
    assert not Product.objects.filter(pk=real.pk, name="Gerabah Bumijaya").exists()
    assert Product.objects.filter(village__district__regency_id=BANGKA_BARAT).count() > 40


def test_a_dry_run_writes_nothing(db, seed):
    output = seed("--regions", BANGKA_BARAT, "--dry-run")
    assert "Would write" in output
    assert not Product.objects.exists() and not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "--scale"),
        (["--scale", "1.5"], "--scale"),
        (["--regions", "3604"], "not a province code"),
        (["--year", "1999"], "--year"),
    ],
)
def test_rejects_a_bad_scale_region_or_year(db, seed, args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not Product.objects.exists()


def test_generated_data_makes_the_cached_public_pages_stale(db, seed):
    from core.caching import public_version

    before = public_version()
    seed("--regions", BANGKA_BARAT, "--scale", "0.1", verbosity=0)
    assert public_version() != before
