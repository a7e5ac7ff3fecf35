"""Big imports and exports run as jobs (here with the immediate backend: the task runs inside the
request): the official follows the job's progress page, sees its result or its refused rows, retries
it when it failed, and downloads its file; nobody else sees any of it."""

import pytest
from django.urls import reverse

from jobs.models import Job
from officials import spreadsheets
from officials.models import HeldUpload
from products.models import Producer, Product
from tests.factories import ProducerFactory
from tests.officials.test_import_scale import producers, products
from tests.officials.test_spreadsheets import confirm, content, csv_rows, producer_row, producers_file, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "big_above_two")]


def test_a_big_producer_file_is_previewed_and_imported_as_jobs_the_official_follows(dinas, dinas_client):
    response = upload(dinas_client, "produsen", producers(3, "A"))

    preview_job = Job.objects.get()
    assert response.url == preview_job.get_absolute_url()
    assert (preview_job.status, preview_job.done, preview_job.total) == ("done", 3, 3)
    assert preview_job.owner == dinas and preview_job.kind == "import"
    page = dinas_client.get(response.url).content.decode()
    assert "3 dari 3 baris" in page and 'data-count="new">3<' in page
    assert not Producer.objects.exists()  # a preview writes nothing

    full_preview = dinas_client.get(preview_job.result["next_url"])
    assert full_preview.status_code == 200
    assert full_preview.context["report"].counts == {"new": 3, "update": 0, "skip": 0, "refused": 0}
    assert "A 2" in full_preview.content.decode()

    ref = preview_job.params["ref"]
    response = confirm(dinas_client, ref)
    import_job = Job.objects.exclude(pk=preview_job.pk).get()
    assert response.url == import_job.get_absolute_url()
    assert (import_job.status, import_job.done, import_job.total) == ("done", 3, 3)
    assert import_job.result["counts"]["new"] == 3
    assert sorted(Producer.objects.values_list("business_name", flat=True)) == ["A 0", "A 1", "A 2"]
    assert not HeldUpload.objects.filter(token=ref).exists()
    page = dinas_client.get(response.url).content.decode()
    assert reverse("products:producer_list") in page


def test_a_file_at_the_threshold_is_still_previewed_and_imported_inside_the_request(dinas_client):
    response = upload(dinas_client, "produsen", producers(2, "A"))

    assert response.url.startswith(reverse("officials:import_preview"))
    assert confirm(dinas_client, response.url.split("ref=")[1]).url == reverse("products:producer_list")
    assert Producer.objects.count() == 2
    assert not Job.objects.exists()


def test_a_big_file_with_a_refused_row_shows_the_row_and_its_import_writes_nothing(dinas_client):
    bad = producer_row(**{"Nama usaha": "Tanpa Desa", "Kode desa": "99.99.99.9999"})
    data = producers_file(producer_row(**{"Nama usaha": "Satu"}), producer_row(**{"Nama usaha": "Dua"}), bad)

    preview_job = Job.objects.get(pk=upload(dinas_client, "produsen", data).url.split("/")[-2])
    assert preview_job.status == "done"
    assert [row for row, _column, _reason in preview_job.errors] == [4]
    page = dinas_client.get(preview_job.get_absolute_url()).content.decode()
    assert 'id="job-errors"' in page and "Kode desa" in page

    response = confirm(dinas_client, preview_job.params["ref"])
    import_job = Job.objects.exclude(pk=preview_job.pk).get()
    assert import_job.status == "failed" and "Tidak ada yang disimpan" in import_job.failure
    assert [row for row, _column, _reason in import_job.errors] == [4]
    assert not Producer.objects.exists()
    page = dinas_client.get(response.url).content.decode()
    assert "Tidak ada yang disimpan" in page and reverse("jobs:retry", args=[import_job.pk]) in page


def test_a_finished_import_run_again_writes_nothing_more(dinas_client):
    preview_job = Job.objects.get(pk=upload(dinas_client, "produsen", producers(3, "A")).url.split("/")[-2])
    confirm(dinas_client, preview_job.params["ref"])
    import_job = Job.objects.exclude(pk=preview_job.pk).get()

    again = spreadsheets.import_task.call(str(import_job.pk))

    assert again["skipped"] is True
    assert Producer.objects.count() == 3 and Producer.history.count() == 3


def test_another_official_gets_nothing_of_a_job(dinas_client, officer_a_client, client):
    job = Job.objects.get(pk=upload(dinas_client, "produsen", producers(3, "A")).url.split("/")[-2])
    Job.objects.filter(pk=job.pk).update(status="failed", failure="x")  # so that it has a retry button

    for name in ("jobs:detail", "jobs:download"):
        assert officer_a_client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.get(reverse(name, args=[job.pk])).status_code == 302  # to the login page
    assert officer_a_client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    assert job.title not in officer_a_client.get(reverse("jobs:list")).content.decode()
    job.refresh_from_db()
    assert job.status == "failed"


def test_htmx_polls_only_the_progress_block_until_the_job_is_finished(dinas, dinas_client):
    job = Job.objects.create(
        owner=dinas, kind="import", title="Impor besar", task_path="x", done=40, total=100
    )
    url = job.get_absolute_url()

    polled = dinas_client.get(url, headers={"HX-Request": "true"})
    fragment = polled.content.decode()
    assert "<header" not in fragment and fragment.lstrip().startswith('<section id="job-progress"')
    assert "40 dari 100 baris" in fragment and 'hx-trigger="every 2s"' in fragment
    assert "HX-Request" in polled["Vary"]
    assert "<header" in dinas_client.get(url).content.decode()  # without htmx: the whole page

    Job.objects.filter(pk=job.pk).update(status="done", done=100)
    finished = dinas_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished and "100 dari 100 baris" in finished


def test_a_big_export_is_written_by_a_job_and_only_its_owner_downloads_the_file(
    dinas_client, officer_a_client, settings
):
    settings.OVOP_BACKGROUND_IMPORT_ROWS = 0  # any export with a row is big
    ProducerFactory.create_batch(3)

    response = dinas_client.get(reverse("officials:export", args=["produsen", "csv"]))

    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.done, job.total) == ("export", "done", 3, 3)
    assert job.file.name.startswith("jobs/")
    page = dinas_client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    download = dinas_client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert job.result["filename"] in download["Content-Disposition"]
    assert len(csv_rows(content(download))) == 1 + 3
    assert officer_a_client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_small_export_still_streams_from_the_request(dinas_client, settings):
    settings.OVOP_BACKGROUND_IMPORT_ROWS = 1  # up to 10 rows stream
    ProducerFactory.create_batch(3)

    response = dinas_client.get(reverse("officials:export", args=["produsen", "csv"]))

    assert response.status_code == 200 and len(csv_rows(content(response))) == 4
    assert not Job.objects.exists()


def test_a_failed_job_is_retried_from_its_page(dinas_client, settings):
    settings.OVOP_BACKGROUND_IMPORT_ROWS = 0
    ProducerFactory.create_batch(2)
    dinas_client.get(reverse("officials:export", args=["produsen", "xlsx"]))
    job = Job.objects.get()
    job.file.delete(save=False)
    Job.objects.filter(pk=job.pk).update(status="failed", failure="Worker mati.", file="", done=1)
    assert "Worker mati." in dinas_client.get(job.get_absolute_url()).content.decode()

    response = dinas_client.post(reverse("jobs:retry", args=[job.pk]))

    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.failure, job.done, job.attempts) == ("done", "", 2, 2)
    assert dinas_client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_a_job_that_has_not_failed_is_not_retried(dinas, dinas_client):
    job = Job.objects.create(owner=dinas, kind="export", title="Ekspor", task_path="x", status="running")

    response = dinas_client.post(reverse("jobs:retry", args=[job.pk]), follow=True)

    assert "Hanya pekerjaan yang gagal" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 0
    assert dinas_client.get(reverse("jobs:retry", args=[job.pk])).status_code == 405


def test_the_job_list_shows_the_officials_own_jobs_in_one_query(
    dinas, officer_a, dinas_client, django_assert_num_queries
):
    for number in range(3):
        Job.objects.create(owner=dinas, kind="import", title=f"Impor {number}", task_path="x", total=10)
    Job.objects.create(owner=officer_a, kind="export", title="Ekspor orang lain", task_path="x")

    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 user's groups (scope), 4 the official's 30 latest jobs, 5 the served
        # regency (header)
        page = dinas_client.get(reverse("jobs:list")).content.decode()

    assert all(f"Impor {number}" in page for number in range(3))
    assert "Ekspor orang lain" not in page


def test_a_big_product_file_is_checked_and_imported_as_jobs_too(dinas_client):
    preview_job = Job.objects.get(pk=upload(dinas_client, "produsen", producers(3, "A")).url.split("/")[-2])
    confirm(dinas_client, preview_job.params["ref"])

    response = upload(dinas_client, "produk", products(3, "A"))
    product_preview = Job.objects.get(pk=response.url.split("/")[-2])
    assert product_preview.result["counts"] == {"new": 3, "update": 0, "skip": 0, "refused": 0}
    confirm(dinas_client, product_preview.params["ref"])

    assert Product.objects.count() == 3
    assert Product.objects.get(name="A produk 2").producers.get().business_name == "A 2"
