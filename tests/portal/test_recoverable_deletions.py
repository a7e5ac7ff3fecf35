"""Deletions of what officials entered can be undone: every such model keeps a history, and restoring a
deleted object brings back what was deleted with it (a product's producer links and photos, an
assessment's scores, a visit's photos)."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assistance.models import MentoringVisit, OutcomeRecord, VisitPhoto
from core.errors import Refused
from core.history import restore_deleted
from products import services
from products.models import Assessment, AssessmentCriterion, AssessmentScore, Product, ProductPhoto
from tests.factories import ProducerFactory, ProductFactory
from tests.portal.test_history import product_form
from tests.products.test_photos import image_bytes, upload

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    return image_bytes("JPEG", size=(400, 300))


def kinds_of_changes(model, pk) -> list[str]:
    return list(
        model.history.filter(id=pk)
        .order_by("history_date", "history_id")
        .values_list("history_type", flat=True)
    )


def latest_record(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def admin_restore(admin_client, model, pk):
    """What an admin does: open the deleted object's history, choose its last version, press Save."""
    opts = model._meta
    history = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk]))
    assert history.status_code == 200
    version = latest_record(model, pk)
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[pk, version.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return admin_client.post(url, data)


def product_with_producers_and_photos(client):
    product = ProductFactory(name="Gerabah Bumijaya")
    producers = [ProducerFactory(business_name="UMKM Sari"), ProducerFactory(business_name="UMKM Tanah")]
    product.producers.add(*producers)
    upload(client, product, "a.jpg", jpeg())
    upload(client, product, "b.jpg", jpeg())
    return product, producers


def files_of(photos) -> list[str]:
    return [getattr(photo, name).name for photo in photos for name in ("large", "medium", "thumb")]


def test_restoring_a_deleted_product_brings_back_its_producers_and_photos(
    officer_a_client, admin_client, django_capture_on_commit_callbacks
):
    product, producers = product_with_producers_and_photos(officer_a_client)
    photos = list(product.photos.order_by("pk"))
    assert len(photos) == 2
    with django_capture_on_commit_callbacks(execute=True):  # whatever deletion does after commit, too
        response = officer_a_client.post(reverse("products:product_delete", args=[product.pk]))
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not ProductPhoto.objects.exists()
    assert all(default_storage.exists(name) for name in files_of(photos))  # kept for a restore

    response = admin_restore(admin_client, Product, product.pk)

    assert response.status_code == 302
    restored = Product.objects.get(pk=product.pk)
    assert restored.name == "Gerabah Bumijaya"
    assert set(restored.producers.all()) == set(producers)
    back = list(restored.photos.order_by("pk"))
    assert [(p.pk, p.is_cover, p.large.name) for p in back] == [
        (p.pk, p.is_cover, p.large.name) for p in photos
    ]
    page = officer_a_client.get(restored.get_absolute_url())
    assert page.status_code == 200
    assert photos[0].thumb.url in page.content.decode()
    assert kinds_of_changes(ProductPhoto, photos[0].pk) == ["+", "-", "+"]


def test_a_form_opened_before_the_deletion_conflicts_with_the_restored_product(officer_a_client):
    product, _ = product_with_producers_and_photos(officer_a_client)
    url = reverse("products:product_update", args=[product.pk])
    seen = officer_a_client.get(url).context["form"]["row_version"].value()
    services.product_delete(product=Product.objects.get(pk=product.pk))
    restore_deleted(Product, product.pk, related=[(ProductPhoto, "product_id")])

    response = officer_a_client.post(url, product_form(name="Ditimpa", row_version=seen))

    assert response.status_code == 200
    assert "sudah diubah orang lain" in response.content.decode()
    assert Product.objects.get(pk=product.pk).name == "Gerabah Bumijaya"


def test_a_photo_deleted_on_its_own_earlier_stays_deleted_when_its_product_is_restored(officer_a_client):
    product, _ = product_with_producers_and_photos(officer_a_client)
    first, second = product.photos.order_by("pk")
    first_pk = first.pk
    services.product_photo_delete(photo=first)  # (deleting sets first.pk to None)
    ProductPhoto.history.filter(id=first_pk, history_type="-").update(
        history_date=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)
    )
    services.product_delete(product=Product.objects.get(pk=product.pk))

    restored = restore_deleted(Product, product.pk, related=[(ProductPhoto, "product_id")])

    assert list(restored.obj.photos.values_list("pk", flat=True)) == [second.pk]
    assert restored.related == 1


def test_photos_whose_files_are_gone_are_not_restored_and_the_admin_is_told(officer_a_client, admin_client):
    product, producers = product_with_producers_and_photos(officer_a_client)
    photos = list(product.photos.all())
    services.product_delete(product=Product.objects.get(pk=product.pk))
    for name in files_of(photos[:1]):
        default_storage.delete(name)

    response = admin_restore(admin_client, Product, product.pk)

    restored = Product.objects.get(pk=product.pk)
    assert set(restored.producers.all()) == set(producers)
    assert list(restored.photos.values_list("pk", flat=True)) == [photos[1].pk]
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("berkasnya sudah tidak ada" in message for message in shown)


def test_a_product_whose_name_was_taken_meanwhile_is_restored_under_a_new_address(officer_a_client):
    product = ProductFactory(name="Keripik")
    pk, slug = product.pk, product.slug
    services.product_delete(product=product)
    ProductFactory(name="Keripik", slug=slug)
    restored = restore_deleted(Product, pk).obj
    assert restored.slug != slug
    assert Product.objects.filter(slug=restored.slug).count() == 1


def test_only_a_deleted_object_can_be_restored():
    product = ProductFactory()
    with pytest.raises(Refused):
        restore_deleted(Product, product.pk)
    with pytest.raises(Refused):
        restore_deleted(Product, 999_999)


def test_a_deleted_visit_comes_back_with_its_photos(officer_a_client, admin_client):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("assistance:visit_create_for_product", args=[product.pk]),
        {
            "visited_on": "2026-04-01",
            "findings": "Kemasan perlu diperbaiki",
            "photos": [SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")],
        },
    )
    assert response.status_code == 302
    visit = MentoringVisit.objects.get()
    photo = VisitPhoto.objects.get()
    delete = reverse("admin:assistance_mentoringvisit_delete", args=[visit.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not MentoringVisit.objects.exists()
    assert not VisitPhoto.objects.exists()

    assert admin_restore(admin_client, MentoringVisit, visit.pk).status_code == 302

    visit = MentoringVisit.objects.get(pk=visit.pk)
    assert visit.findings == "Kemasan perlu diperbaiki"
    assert list(visit.photos.values_list("pk", "image")) == [(photo.pk, photo.image.name)]
    assert kinds_of_changes(MentoringVisit, visit.pk) == ["+", "-", "+"]
    assert kinds_of_changes(VisitPhoto, photo.pk) == ["+", "-", "+"]


def test_a_deleted_assessment_comes_back_with_its_scores(admin_client, dinas):
    product = ProductFactory()
    points = {c.pk: c.max_points for c in AssessmentCriterion.objects.filter(is_active=True)}
    assessment = services.assessment_record(
        product=product, assessor=dinas, assessed_on=datetime.date(2026, 3, 1), points=points
    )
    scores = sorted(assessment.scores.values_list("pk", "criterion_id", "points"))
    delete = reverse("admin:products_assessment_delete", args=[assessment.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not AssessmentScore.objects.exists()

    assert admin_restore(admin_client, Assessment, assessment.pk).status_code == 302

    restored = Assessment.objects.get(pk=assessment.pk)
    assert (restored.stars, restored.total_points) == (assessment.stars, assessment.total_points)
    assert sorted(restored.scores.values_list("pk", "criterion_id", "points")) == scores
    assert kinds_of_changes(Assessment, assessment.pk) == ["+", "-", "+"]
    assert kinds_of_changes(AssessmentScore, scores[0][0]) == ["+", "-", "+"]


def test_a_deleted_outcome_record_comes_back(officer_a_client, admin_client):
    product = ProductFactory()
    data = {
        "year": "2026",
        "quarter": "1",
        "production_volume": "500",
        "volume_unit": "buah",
        "turnover": "15.000.000",
        "workers": "4",
        "markets_reached": "3",
        "new_legality_documents": "0",
    }
    assert (
        officer_a_client.post(reverse("assistance:outcome_create", args=[product.pk]), data).status_code
        == 302
    )
    outcome = OutcomeRecord.objects.get()
    delete = reverse("admin:assistance_outcomerecord_delete", args=[outcome.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not OutcomeRecord.objects.exists()

    assert admin_restore(admin_client, OutcomeRecord, outcome.pk).status_code == 302

    restored = OutcomeRecord.objects.get(pk=outcome.pk)
    assert (restored.turnover, restored.recorded_by_id) == (15_000_000, outcome.recorded_by_id)
    assert kinds_of_changes(OutcomeRecord, outcome.pk) == ["+", "-", "+"]


def test_linking_producers_to_a_product_shows_in_its_history(officer_a_client):
    product = ProductFactory()
    producer = ProducerFactory(business_name="UMKM Sari")
    product.producers.add(producer)
    entry = officer_a_client.get(product.get_absolute_url()).context["change_history"].entries[0]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [("Produsen", "–", "UMKM Sari")]


# --- officials restore the products of their own area --------------------------------------------------


def test_an_officer_restores_a_product_they_deleted_with_its_producers_and_photos(officer_a_client):
    product, producers = product_with_producers_and_photos(officer_a_client)
    photos = sorted(product.photos.values_list("pk", flat=True))
    officer_a_client.post(reverse("products:product_delete", args=[product.pk]))

    listing = officer_a_client.get(reverse("products:deleted_product_list"))
    assert [record.id for record in listing.context["deletions"]] == [product.pk]
    assert "Gerabah Bumijaya" in listing.content.decode()
    response = officer_a_client.post(reverse("products:product_restore", args=[product.pk]))

    assert response.status_code == 302
    restored = Product.objects.get(pk=product.pk)
    assert response["Location"] == restored.get_absolute_url()
    assert set(restored.producers.all()) == set(producers)
    assert sorted(restored.photos.values_list("pk", flat=True)) == photos
    assert officer_a_client.get(reverse("products:deleted_product_list")).context["deletions"] == []
    # It is no longer deleted: a second restore finds nothing to restore.
    again = officer_a_client.post(reverse("products:product_restore", args=[product.pk]))
    assert again.status_code == 404


def test_an_officer_of_another_kecamatan_neither_sees_nor_restores_a_deleted_product(
    officer_a_client, officer_b_client
):
    product = ProductFactory(name="Gerabah Bumijaya")  # Bumijaya, Ciruas
    officer_a_client.post(reverse("products:product_delete", args=[product.pk]))
    listing = officer_b_client.get(reverse("products:deleted_product_list"))
    assert listing.context["deletions"] == []
    assert "Gerabah Bumijaya" not in listing.content.decode()
    assert officer_b_client.post(reverse("products:product_restore", args=[product.pk])).status_code == 404
    assert not Product.objects.filter(pk=product.pk).exists()


def test_the_sweep_removes_only_the_files_of_photos_deleted_long_ago(officer_a_client):
    product, _ = product_with_producers_and_photos(officer_a_client)
    old, recent = product.photos.order_by("pk")
    old_files, recent_files = files_of([old]), files_of([recent])
    old_pk = old.pk
    services.product_photo_delete(photo=old)
    services.product_photo_delete(photo=recent)
    ProductPhoto.history.filter(id=old_pk, history_type="-").update(
        history_date=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31)
    )

    out = io.StringIO()
    call_command("sweep_deleted_photos", "--dry-run", stdout=out)
    assert "Would remove 3 file(s)" in out.getvalue()
    assert all(default_storage.exists(name) for name in old_files)
    call_command("sweep_deleted_photos", stdout=io.StringIO())

    assert not any(default_storage.exists(name) for name in old_files)
    assert all(default_storage.exists(name) for name in recent_files)
