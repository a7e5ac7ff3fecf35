"""Spreadsheet exports and imports for officials.

Exports (CSV and XLSX) of the village registry, products, producers and the assistance ledger apply
the filters of the list on screen (the same FilterSet, the same area) and stream: rows are read in
chunks and written as they come. Producers, products, legality documents, deliveries, mentoring
visits and outcome figures come in through an import: upload, a preview (a dry run that writes
nothing) of what would be added, updated, left alone or refused (row, column and reason), then the
import itself, all or nothing, re-checked against the data as it is then. The columns are the
resources' (products.resources, assistance.resources); what an import does with a file is in
officials.imports, the templates' example rows and instructions in officials.import_templates.

Big files run on the worker as jobs (jobs.models.Job), with a progress page: an import of more than
OVOP_BACKGROUND_IMPORT_ROWS rows (its preview and the import itself), and an export of more than ten
times that many rows. Smaller ones stay inside the request, as before.
"""

import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.filters import ProgrammeFilter
from assistance.models import Delivery, Programme
from assistance.resources import DeliveryLedgerResource
from core.errors import Refused
from core.spreadsheets import (
    MAX_UPLOAD_BYTES,
    export_rows,
    read_table,
    stream_csv,
    table_dataset,
    xlsx_response,
)
from jobs.models import Job
from jobs.progress import counted
from jobs.services import Progress, job_complete, job_hold, job_run, job_start
from products.filters import ProducerFilter, ProductFilter, VillageStatusFilter
from products.models import Producer, Product
from products.resources import (
    ProducerResource,
    ProductResource,
    VillageRegistryResource,
)
from products.selectors import with_ovop_status
from villages.access import official_required
from villages.models import Village
from villages.roles import Scope, scope_of

from .import_templates import example_row, instructions
from .imports import (
    IMPORT_LABELS,
    IMPORT_LISTS,
    IMPORT_NOUNS,
    IMPORTS,
    ImportReport,
    import_check,
    import_refusal,
    import_run,
)
from .sheet_files import held_discard, job_upload, upload_discard, upload_load, upload_store

FORMATS = ("csv", "xlsx")
__all__ = ["IMPORTS", "ImportReport", "import_check", "import_run"]  # re-exported: tests, bench


def _area(scope: Scope) -> str:
    """The area a file covers, for its name: the regency, or the officer's kecamatan."""
    return settings.OVOP_AREA_CODE if scope.is_dinas else "_".join(sorted(scope.district_codes))


def _filename(base: str, scope: Scope, fmt: str) -> str:
    return f"{base}-{_area(scope)}-{timezone.localdate():%Y-%m-%d}.{fmt}"


# --- exports ------------------------------------------------------------------------------------------


def _registry(request: HttpRequest, scope: Scope):
    villages = with_ovop_status(Village.objects.for_scope(scope).select_related("district"))
    ordered = villages.order_by("district__name", "name", "code")
    shown = VillageStatusFilter(request.GET, queryset=ordered, scope=scope)
    return VillageRegistryResource(), VillageRegistryResource.prepare(shown.qs)


def _products(request: HttpRequest, scope: Scope):
    producers = Prefetch("producers", queryset=Producer.objects.order_by("business_name", "pk"))
    products = (
        Product.objects.for_scope(scope)
        .select_related("village__district", "category")
        .prefetch_related(producers)
        .order_by("name", "pk")
    )
    return ProductResource(scope=scope), ProductFilter(request.GET, queryset=products, scope=scope).qs


def _producers(request: HttpRequest, scope: Scope):
    producers = (
        Producer.objects.for_scope(scope).select_related("village__district").order_by("business_name", "pk")
    )
    return ProducerResource(scope=scope), ProducerFilter(request.GET, queryset=producers, scope=scope).qs


def _ledger(request: HttpRequest, scope: Scope):
    programmes = ProgrammeFilter(request.GET, queryset=Programme.objects.all()).qs
    deliveries = Delivery.objects.for_scope(scope).filter(programme__in=programmes.values("pk"))
    ordered = deliveries.order_by(
        "-programme__fiscal_year", "programme__name", "programme_id", "delivered_on", "pk"
    )
    return DeliveryLedgerResource(), DeliveryLedgerResource.prepare(ordered)


# what: (rows and columns, file name, sheet title)
EXPORTS = {
    "registri": (_registry, "registri-desa", gettext_lazy("Registri desa")),
    "produk": (_products, "produk", gettext_lazy("Produk")),
    "produsen": (_producers, "produsen", gettext_lazy("Produsen")),
    "bantuan": (_ledger, "penyaluran-bantuan", gettext_lazy("Penyaluran bantuan")),
}


def background_export_rows() -> int:
    """An export of more rows than this is written by the worker. Counted rows, not the area: a
    province official who filters down to one kecamatan gets the file at once, and a regency whose
    registry has grown gets a job."""
    return settings.OVOP_BACKGROUND_IMPORT_ROWS * 10


def _export_response(resource, queryset, filename: str, fmt: str, title, progress=None):
    rows = export_rows(resource, queryset)
    if progress is not None:
        rows = counted(rows, progress, queryset.count())
    if fmt == "csv":
        return stream_csv(resource.get_export_headers(), rows, filename)
    return xlsx_response(resource.get_export_headers(), rows, filename, str(title))


@official_required
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    """The list on screen (its filters, the official's area) as CSV or XLSX, every page of it; a big one
    as a job whose page gives the file when it is written."""
    if what not in EXPORTS or fmt not in FORMATS:
        raise Http404
    build, base, title = EXPORTS[what]
    scope = scope_of(request.user)
    resource, queryset = build(request, scope)
    count = queryset.count()
    if count > background_export_rows():
        job = job_start(
            owner=request.user,
            kind=Job.Kind.EXPORT,
            title=_("Ekspor %(what)s (%(format)s)") % {"what": title, "format": fmt.upper()},
            task_path=f"{__name__}.export_task",
            params={"what": what, "fmt": fmt, "query": request.GET.urlencode()},
            total=count,
        )
        messages.info(request, _("Datanya banyak, jadi berkasnya disiapkan di latar belakang."))
        return redirect(job)
    return _export_response(resource, queryset, _filename(base, scope, fmt), fmt, title)


@task
def export_task(job_id: str) -> dict:
    return job_run(job_id, _export_job)


def _export_job(job: Job) -> None:
    """The export, as the official's request asked it (filters and today's area), into a file in private
    storage that only the job's owner downloads."""
    params = job.params
    build, base, title = EXPORTS[params["what"]]
    request = HttpRequest()
    request.GET, request.user = QueryDict(params["query"]), job.owner
    scope = scope_of(job.owner)
    if not scope.is_official:
        raise Refused(_("Akun ini tidak lagi berhak mengekspor data."))
    resource, queryset = build(request, scope)
    filename = _filename(base, scope, params["fmt"])
    response = _export_response(resource, queryset, filename, params["fmt"], title, Progress(job))
    with tempfile.TemporaryFile() as output:
        # The response is read, never closed: closing it would signal the end of a request, on which
        # Django closes the database connection.
        for chunk in response.streaming_content:
            output.write(chunk)
        output.seek(0)
        job_complete(job=job, result={"rows": job.done, "filename": filename}, file=File(output, filename))


# --- templates ----------------------------------------------------------------------------------------


@official_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The import template: the columns, an example row and (XLSX) a sheet of instructions and a
    dropdown on every coded column (officials.import_templates)."""
    if kind not in IMPORTS or fmt not in FORMATS:
        raise Http404
    scope = scope_of(request.user)
    resource = IMPORTS[kind](scope=scope)
    headers, example = resource.get_export_headers(), example_row(kind, resource, scope)
    filename = f"templat-{kind}.{fmt}"
    if fmt == "csv":
        return stream_csv(headers, [example], filename)
    choices = resource.choices()
    return xlsx_response(
        headers,
        [example],
        filename,
        str(IMPORT_LABELS[kind]),
        [(_("Petunjuk"), instructions(resource, kind, choices))],
        choices=choices,
    )


# --- imports ------------------------------------------------------------------------------------------


@task
def import_preview_task(job_id: str) -> dict:
    return job_run(job_id, _preview_job)


def _preview_job(job: Job) -> None:
    scope, kind, name, data = job_upload(job)
    report = import_check(
        kind=kind, name=name, data=data, scope=scope, progress=Progress(job), user=job.owner
    )
    url = f"{reverse('officials:import_preview')}?ref={job.params['ref']}&job={job.pk}"
    result = {"counts": report.counts, "report": report.as_json(), "next": "preview", "next_url": url}
    job_complete(job=job, result=result, errors=report.errors)


@task
def import_task(job_id: str) -> dict:
    return job_run(job_id, _import_job)


def _import_job(job: Job) -> None:
    """The confirmed import of a big file, in two steps. First every row is checked as the preview
    does (import_check: outside a transaction, with progress). Then, when all are valid, import_run
    checks them again under row locks and writes them in one transaction, in which the job is marked
    done and the upload dropped: a worker killed before the commit leaves nothing written and the job
    still to do (jobs.recovery runs it again), one killed after it leaves a job that is done, which a
    second run leaves alone (jobs.services.job_run). The transaction first locks the job's row and
    goes on only if this run is still the job's current one (job_hold): a run that was given up for
    dead while it worked, and run again, cannot write the rows a second time."""
    scope, kind, name, data = job_upload(job)
    report = import_check(
        kind=kind, name=name, data=data, scope=scope, progress=Progress(job), user=job.owner
    )
    if report.ok:
        with transaction.atomic():
            job_hold(job)
            report = import_run(kind=kind, name=name, data=data, scope=scope, dry_run=False, user=job.owner)
            if report.ok:
                held_discard(job.owner, job.params["ref"])
                result = {"counts": report.counts, "next": "list", "next_url": reverse(IMPORT_LISTS[kind])}
                job_complete(job=job, result=result)
                return
    refused = _("Tidak ada yang disimpan karena ada baris yang ditolak. Perbaiki berkasnya lalu unggah lagi.")
    job_complete(
        job=job,
        result={"counts": report.counts},
        errors=report.errors,
        failure=report.file_errors[0] if report.file_errors else refused,
    )


def _start_import_job(request: HttpRequest, task_name: str, ref: str, meta: dict, preview: bool) -> Job:
    """A job for this upload; the one already under way when the official sends the form twice."""
    task_path = f"{__name__}.{task_name}"
    running = Job.objects.for_owner(request.user).unfinished().filter(task_path=task_path, params__ref=ref)
    if (already := running.first()) is not None:
        return already
    what = IMPORT_LABELS[meta["kind"]]
    title = _("Pratinjau impor %(what)s: %(name)s") if preview else _("Impor %(what)s: %(name)s")
    return job_start(
        owner=request.user,
        kind=Job.Kind.IMPORT,
        title=title % {"what": what, "name": meta["name"]},
        task_path=task_path,
        params={"ref": ref, "kind": meta["kind"], "name": meta["name"]},
    )


def _is_big(meta: dict, data: bytes) -> bool:
    try:
        return len(read_table(meta["name"], data).rows) > settings.OVOP_BACKGROUND_IMPORT_ROWS
    except Refused:
        return False


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Data yang diimpor"),
        choices=list(IMPORT_LABELS.items()),
        widget=forms.RadioSelect,
        initial="produsen",
    )
    file = forms.FileField(
        label=gettext_lazy("Berkas Excel (.xlsx) atau CSV"),
        allow_empty_file=True,
        help_text=gettext_lazy("Paling besar 5 MB dan 5.000 baris. Gunakan judul kolom dari templat."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.content = b""
        self.rows = 0

    def clean(self) -> dict:
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("Berkas lebih besar dari 5 MB. Bagi datanya menjadi beberapa berkas."))
            return cleaned
        self.content = upload.read()
        if refusal := import_refusal(kind, self.scope):
            self.add_error("kind", refusal)
            return cleaned
        try:
            table = read_table(upload.name, self.content)
            resource = IMPORTS[kind](scope=self.scope)
            table_dataset(table, resource.get_export_headers(), resource.import_columns())
            self.rows = len(table.rows)
        except Refused as refusal:
            self.add_error("file", refusal.message)
        return cleaned


@official_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and what it holds. A file that cannot be read is refused here. A big file's
    preview is a job: its page follows the progress and then links to the preview."""
    scope = scope_of(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        meta = {"kind": form.cleaned_data["kind"], "name": form.cleaned_data["file"].name}
        token = upload_store(request, data=form.content, **meta)
        if form.rows > settings.OVOP_BACKGROUND_IMPORT_ROWS:
            return redirect(_start_import_job(request, "import_preview_task", token, meta, preview=True))
        return redirect(f"{reverse('officials:import_preview')}?ref={token}")
    templates = [
        (label, {fmt: reverse("officials:import_template", args=[kind, fmt]) for fmt in FORMATS})
        for kind, label in IMPORT_LABELS.items()
    ]
    return render(
        request,
        "officials/import_form.html",
        {
            "form": form,
            "templates": templates,
            "background_rows": settings.OVOP_BACKGROUND_IMPORT_ROWS,
            "jobs_url": reverse("jobs:list"),
        },
        status=400 if form.errors else 200,
    )


def _previewed(request: HttpRequest, ref: str) -> Job:
    """This upload's finished preview job (the official's own), whose result holds the report."""
    try:
        job = get_object_or_404(
            Job.objects.for_owner(request.user),
            pk=request.GET["job"],
            status=Job.Status.DONE,
            params__ref=ref,
        )
    except ValidationError:
        raise Http404 from None
    return job


@official_required
def import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2 (GET): what the file would do, written nowhere. Step 3 (POST): the import, checked again,
    all or nothing; then back to the list."""
    scope = scope_of(request.user)
    ref = request.POST.get("ref") if request.method == "POST" else request.GET.get("ref")
    upload = upload_load(request, ref)
    if upload is None:
        messages.error(
            request, _("Unggahan ini tidak ditemukan atau sudah kedaluwarsa. Unggah berkasnya lagi.")
        )
        return redirect("officials:import")
    meta, data = upload
    kind = meta["kind"]
    dry_run = request.method != "POST"
    if not dry_run and _is_big(meta, data):
        return redirect(_start_import_job(request, "import_task", ref, meta, preview=False))
    preview_job = _previewed(request, ref) if dry_run and request.GET.get("job") else None
    if preview_job is not None:
        report = ImportReport.from_json(preview_job.result["report"])
    elif dry_run and _is_big(meta, data):
        return redirect(_start_import_job(request, "import_preview_task", ref, meta, preview=True))
    else:
        report = import_run(
            kind=kind, name=meta["name"], data=data, scope=scope, dry_run=dry_run, user=request.user
        )
    if not dry_run and report.ok:
        upload_discard(request, ref)
        counts = report.counts
        messages.success(
            request,
            _("Impor %(what)s selesai: %(new)s baru, %(update)s diperbarui, %(skip)s tidak berubah.")
            % {"what": IMPORT_NOUNS[kind], **counts},
        )
        return redirect(IMPORT_LISTS[kind])
    if not dry_run:
        messages.error(
            request,
            _(
                "Tidak ada yang disimpan karena ada baris yang ditolak; data portal mungkin berubah "
                "sejak pratinjau. Periksa barisnya di bawah."
            ),
        )
    context = {
        "report": report,
        "ref": ref,
        "file_name": meta["name"],
        "what": IMPORT_LABELS[kind],
        "preview_job": preview_job,
    }
    return render(request, "officials/import_preview.html", context, status=200 if dry_run else 400)
