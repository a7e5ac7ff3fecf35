"""Spreadsheet exports and imports for officials.

Exports (CSV and XLSX) of the village registry, products, producers and the assistance ledger apply
the filters of the list on screen (the same FilterSet, the same area) and stream: rows are read in
chunks and written as they come. Producers and products come back through an import: upload, a
preview (a dry run that writes nothing) of what would be added, updated, left alone or refused (row,
column and reason), then the import itself, all or nothing, re-checked against the data as it is then.
The columns are the resources' (products.resources, assistance.resources).

Big files run on the worker as jobs (jobs.models.Job), with a progress page: an import of more than
OVOP_BACKGROUND_IMPORT_ROWS rows (its preview and the import itself), and an export of more than ten
times that many rows. Smaller ones stay inside the request, as before.
"""

import tempfile
from dataclasses import asdict, dataclass, field

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
from import_export.results import Result

from assistance.filters import ProgrammeFilter
from assistance.models import Delivery, Programme
from assistance.resources import DeliveryLedgerResource
from core.caching import invalidate_figures, invalidate_public_pages
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
from jobs.progress import CountedDataset, counted, writes_refused
from jobs.services import Progress, job_complete, job_hold, job_run, job_start
from products.filters import ProducerFilter, ProductFilter, VillageStatusFilter
from products.models import Category, Producer, Product
from products.resources import (
    EXAMPLE_PREFIX,
    ProducerResource,
    ProductResource,
    SheetImportResource,
    VillageRegistryResource,
)
from products.selectors import with_ovop_status
from villages.access import official_required
from villages.models import Village
from villages.roles import Scope, scope_of

from .sheet_files import held_discard, job_upload, upload_discard, upload_load, upload_store

FORMATS = ("csv", "xlsx")
IMPORTS = {"produsen": ProducerResource, "produk": ProductResource}
IMPORT_LABELS = {"produsen": gettext_lazy("Produsen (UMKM)"), "produk": gettext_lazy("Produk")}
IMPORT_NOUNS = {"produsen": gettext_lazy("produsen"), "produk": gettext_lazy("produk")}
IMPORT_LISTS = {"produsen": "products:producer_list", "produk": "products:product_list"}


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


def _example_row(kind: str, resource: SheetImportResource, scope: Scope) -> list:
    village = (
        Village.objects.for_scope(scope).select_related("district").order_by("district__name", "name").first()
    )
    if kind == "produsen":
        example = Producer(
            village=village,
            business_name=f"{EXAMPLE_PREFIX} {_('Gerabah Sari (hapus baris ini)')}",
            owner_name="Ibu Sari",
            kind=Producer.Kind.KELOMPOK,
            address="Kp. Bumijaya RT 01/02",
            whatsapp="+6281234567890",
            nib="",
            workers=5,
            year_started=2015,
        )
    else:
        example = Product(
            village=village,
            name=f"{EXAMPLE_PREFIX} {_('Gerabah hias (hapus baris ini)')}",
            category=Category.objects.order_by("position", "name").first(),
            status=Product.Status.DRAFT,
            story=_("Dibuat dari tanah liat desa, dibakar di tungku tradisional."),
            price_min=25000,
            price_max=150000,
            price_unit=_("per buah"),
            monthly_capacity=500,
            capacity_unit=_("buah"),
            market_reach=Product.MarketReach.PROVINCE,
            markets="Serang, Cilegon, Jakarta",
        )
    row = [("" if value is None else value) for value in resource.export_resource(example)]
    if kind == "produk":
        row[resource.get_export_headers().index("Produsen")] = "1234567890123; Kelompok Gerabah Sari"
    return row


def _instructions(resource: SheetImportResource, kind: str) -> list[list]:
    rows = [[_("Kolom"), _("Wajib"), _("Keterangan")]]
    rows += [
        [column, _("ya") if required else "", note] for column, required, note in resource.column_notes()
    ]
    rows += [
        [],
        [
            _("Satu baris untuk satu %(what)s. Baris judul kolom tetap di baris 1; hapus baris contoh.")
            % {"what": IMPORT_NOUNS[kind]}
        ],
    ]
    rows += [[_("Nilai yang diizinkan")]]
    if kind == "produsen":
        rows += [[_("Bentuk usaha"), "", ", ".join(str(label) for label in Producer.Kind.labels)]]
    else:
        categories = ", ".join(Category.objects.order_by("position", "name").values_list("name", flat=True))
        rows += [
            [_("Kategori"), "", categories],
            [_("Status"), "", ", ".join(str(label) for label in Product.Status.labels)],
            [_("Jangkauan pasar"), "", ", ".join(str(label) for label in Product.MarketReach.labels)],
        ]
    rows += [[_("Setuju kontak dipublikasikan"), "", _("ya, tidak")]] if kind == "produsen" else []
    return rows


@official_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The import template: the columns, an example row and (XLSX) a sheet of instructions."""
    if kind not in IMPORTS or fmt not in FORMATS:
        raise Http404
    scope = scope_of(request.user)
    resource = IMPORTS[kind](scope=scope)
    headers, example = resource.get_export_headers(), _example_row(kind, resource, scope)
    filename = f"templat-{kind}.{fmt}"
    if fmt == "csv":
        return stream_csv(headers, [example], filename)
    return xlsx_response(
        headers,
        [example],
        filename,
        str(IMPORT_LABELS[kind]),
        [(_("Petunjuk"), _instructions(resource, kind))],
    )


# --- imports ------------------------------------------------------------------------------------------


@dataclass
class RowReport:
    number: int
    status: str  # new, update, skip, refused
    label: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in ("new", "update", "skip", "refused")}

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        return [(row.number, column, message) for row in self.rows for column, message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.count("refused")

    @property
    def changes_anything(self) -> bool:
        return bool(self.count("new") or self.count("update"))

    def as_json(self) -> dict:
        return asdict(self)  # dates and decimals in the changes: Job.result's encoder writes them as text

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        return cls(**{**data, "rows": [RowReport(**row) for row in data["rows"]]})


def _summarise(kind: str, resource: SheetImportResource, result: Result, ignored: list[str]) -> ImportReport:
    report = ImportReport(kind=kind, ignored_columns=ignored)
    report.file_errors = [
        _("Berkas tidak dapat diproses: %(error)s") % {"error": e.error} for e in result.base_errors
    ]
    headers = result.diff_headers
    name_column = resource.fields[resource.NAME_ATTRIBUTE].column_name
    for index, row in enumerate(result.rows, start=1):
        number = resource.sheet_row(index)
        label = row.object_repr or str(row.row_values.get(name_column) or "")
        if row.is_invalid():
            errors = [
                (column, message)
                for _row, column, message in resource.row_errors(index, row.validation_error)
            ]
            report.rows.append(RowReport(number, "refused", label, errors=errors))
        elif row.is_error():
            errors = [
                ("", _("Baris ini tidak dapat disimpan: %(error)s") % {"error": e.error}) for e in row.errors
            ]
            report.rows.append(RowReport(number, "refused", label, errors=errors))
        elif row.is_update():
            changes = [
                (header, old, new)
                for header, (old, new) in zip(headers, row.diff or [], strict=False)
                if old != new
            ]
            report.rows.append(RowReport(number, "update", label, changes=changes))
        else:
            report.rows.append(RowReport(number, "new" if row.is_new() else "skip", label))
    return report


def _prepared(kind: str, name: str, data: bytes, scope: Scope):
    """The file's rows under the resource's columns, the columns ignored and the resource; a report of
    why not when the file cannot be read."""
    resource_class = IMPORTS[kind]
    try:
        table = read_table(name, data)
        probe = resource_class(scope=scope)
        dataset, ignored = table_dataset(table, probe.get_export_headers(), probe.import_columns())
    except Refused as refusal:
        return ImportReport(kind=kind, file_errors=[refusal.message])
    return dataset, ignored, resource_class(scope=scope, sheet_rows=table.numbers)


def import_run(*, kind: str, name: str, data: bytes, scope: Scope, dry_run: bool) -> ImportReport:
    """Check the file row by row and, unless it is a dry run and only if every row is valid, write it
    in one transaction. A dry run always rolls back."""
    prepared = _prepared(kind, name, data, scope)
    if isinstance(prepared, ImportReport):
        return prepared
    dataset, ignored, resource = prepared
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            lock_rows=not dry_run,
        )
        report = _summarise(kind, resource, result, ignored)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
        elif report.changes_anything:
            # The rows were written in bulk, which sends no post_save: the public pages and the
            # figures are made stale here (on commit, by the cache module).
            invalidate_public_pages()
            invalidate_figures()
    return report


def import_check(*, kind: str, name: str, data: bytes, scope: Scope, progress: Progress) -> ImportReport:
    """A dry run that shows its progress: what import_run(dry_run=True) reports, for the worker.

    It runs outside any transaction, unlike import_run's, because the progress page must see the
    rows counted while they are checked, and a count written inside a transaction is seen only at
    its end (PostgreSQL) or, on SQLite, blocks every other writer until then. A dry run writes
    nothing, and writes_refused makes sure of it; the cost is that the rows are read without one
    snapshot, which a preview may afford: the import checks them all again, in its own transaction.
    """
    prepared = _prepared(kind, name, data, scope)
    if isinstance(prepared, ImportReport):
        return prepared
    dataset, ignored, resource = prepared
    total = len(dataset)
    progress(0, total)
    rows = CountedDataset(dataset, lambda number: progress(number, total))
    with writes_refused(except_table=Job._meta.db_table):
        result = resource.import_data_inner(
            rows, dry_run=True, raise_errors=False, using_transactions=False, collect_failed_rows=False
        )
    return _summarise(kind, resource, result, ignored)


@task
def import_preview_task(job_id: str) -> dict:
    return job_run(job_id, _preview_job)


def _preview_job(job: Job) -> None:
    scope, kind, name, data = job_upload(job)
    report = import_check(kind=kind, name=name, data=data, scope=scope, progress=Progress(job))
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
    report = import_check(kind=kind, name=name, data=data, scope=scope, progress=Progress(job))
    if report.ok:
        with transaction.atomic():
            job_hold(job)
            report = import_run(kind=kind, name=name, data=data, scope=scope, dry_run=False)
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
        report = import_run(kind=kind, name=meta["name"], data=data, scope=scope, dry_run=dry_run)
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
