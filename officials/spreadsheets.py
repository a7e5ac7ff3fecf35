"""Spreadsheet exports and imports for officials.

Exports (CSV and XLSX) of the village registry, products, producers and the assistance ledger apply
the filters of the list on screen (the same FilterSet, the same area) and stream: rows are read in
chunks and written as they come. Producers and products come back through an import: upload, a
preview (a dry run that writes nothing) of what would be added, updated, left alone or refused (row,
column and reason), then the import itself, all or nothing, re-checked against the data as it is then.
The columns are the resources' (products.resources, assistance.resources).
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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

from .sheet_files import upload_discard, upload_load, upload_store

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


@official_required
def export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    """The list on screen (its filters, the official's area) as CSV or XLSX, every page of it."""
    if what not in EXPORTS or fmt not in FORMATS:
        raise Http404
    build, base, title = EXPORTS[what]
    scope = scope_of(request.user)
    resource, queryset = build(request, scope)
    headers, rows, filename = (
        resource.get_export_headers(),
        export_rows(resource, queryset),
        _filename(base, scope, fmt),
    )
    if fmt == "csv":
        return stream_csv(headers, rows, filename)
    return xlsx_response(headers, rows, filename, str(title))


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


def import_run(*, kind: str, name: str, data: bytes, scope: Scope, dry_run: bool) -> ImportReport:
    """Check the file row by row and, unless it is a dry run and only if every row is valid, write it
    in one transaction. A dry run always rolls back."""
    resource_class = IMPORTS[kind]
    try:
        table = read_table(name, data)
        probe = resource_class(scope=scope)
        dataset, ignored = table_dataset(table, probe.get_export_headers(), probe.import_columns())
    except Refused as refusal:
        return ImportReport(kind=kind, file_errors=[refusal.message])
    resource = resource_class(scope=scope, sheet_rows=table.numbers)
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
        except Refused as refusal:
            self.add_error("file", refusal.message)
        return cleaned


@official_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and what it holds. A file that cannot be read is refused here."""
    scope = scope_of(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        token = upload_store(
            request, kind=form.cleaned_data["kind"], name=form.cleaned_data["file"].name, data=form.content
        )
        return redirect(f"{reverse('officials:import_preview')}?ref={token}")
    templates = [
        (label, {fmt: reverse("officials:import_template", args=[kind, fmt]) for fmt in FORMATS})
        for kind, label in IMPORT_LABELS.items()
    ]
    return render(
        request,
        "officials/import_form.html",
        {"form": form, "templates": templates},
        status=400 if form.errors else 200,
    )


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
    context = {"report": report, "ref": ref, "file_name": meta["name"], "what": IMPORT_LABELS[kind]}
    return render(request, "officials/import_preview.html", context, status=200 if dry_run else 400)
