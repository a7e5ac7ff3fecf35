"""An uploaded spreadsheet waits for its preview and its import in the database (officials.models.HeldUpload),
so that any app server can answer either step; only the official who uploaded it can use it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from officials import sheet_files
from officials.models import HeldUpload
from products.models import Producer
from tests.officials.test_spreadsheets import confirm, producer_row, producers_file, upload

pytestmark = pytest.mark.django_db


def test_an_upload_on_one_server_is_previewed_and_imported_on_another(dinas_client, settings, tmp_path):
    # Each app server has its own temp folder: the preview and the import run with another one.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "server-a")
    (tmp_path / "server-a").mkdir()
    response = upload(dinas_client, "produsen", producers_file(producer_row()))
    assert response.status_code == 302

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "server-b")
    (tmp_path / "server-b").mkdir()
    page = dinas_client.get(response.url)
    assert page.status_code == 200
    assert "Gerabah Sari" in page.content.decode()
    ref = response.url.split("ref=")[1]
    assert confirm(dinas_client, ref).url == reverse("products:producer_list")
    assert Producer.objects.get().business_name == "Gerabah Sari"
    assert not HeldUpload.objects.exists()


def test_another_officials_reference_is_not_found_and_the_upload_stays_its_owners(
    officer_a_client, dinas_client
):
    response = upload(dinas_client, "produsen", producers_file(producer_row()))
    ref = response.url.split("ref=")[1]

    refused = officer_a_client.get(response.url)
    assert refused.status_code == 302 and refused.url == reverse("officials:import")
    assert confirm(officer_a_client, ref).url == reverse("officials:import")
    assert not Producer.objects.exists()
    assert HeldUpload.objects.filter(token=ref).exists()
    assert dinas_client.get(response.url).status_code == 200


def test_an_upload_older_than_a_day_is_refused_and_removed(dinas_client):
    response = upload(dinas_client, "produsen", producers_file(producer_row()))
    ref = response.url.split("ref=")[1]
    a_day_ago = timezone.now() - datetime.timedelta(seconds=sheet_files.UPLOAD_MAX_AGE_SECONDS + 60)
    HeldUpload.objects.filter(token=ref).update(created_at=a_day_ago)

    assert dinas_client.get(response.url).status_code == 302
    assert confirm(dinas_client, ref).status_code == 302
    assert not Producer.objects.exists()

    upload(dinas_client, "produsen", producers_file(producer_row()))
    assert not HeldUpload.objects.filter(token=ref).exists()
    assert HeldUpload.objects.count() == 1


def test_an_official_keeps_only_the_last_few_uploads(dinas_client, officer_a_client):
    upload(officer_a_client, "produsen", producers_file(producer_row()))
    tokens = [
        upload(dinas_client, "produsen", producers_file(producer_row())).url.split("ref=")[1]
        for _ in range(sheet_files.KEEP_UPLOADS + 2)
    ]

    kept = set(HeldUpload.objects.filter(owner__username="dinas").values_list("token", flat=True))
    assert kept == set(tokens[-sheet_files.KEEP_UPLOADS :])
    assert HeldUpload.objects.exclude(owner__username="dinas").count() == 1
