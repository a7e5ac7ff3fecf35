"""What an import does with a file: which resource reads each kind, the check of every row (a dry
run, for the preview) and the import itself, all or nothing, and the report of each row (new,
update, unchanged or refused, with the column and the reason). The pages and the background tasks
that call these are in officials.spreadsheets.
"""

from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result

from assistance.resources import DeliveryResource, OutcomeResource, VisitResource
from core.caching import invalidate_figures, invalidate_public_pages
from core.errors import Refused
from core.money import format_rupiah
from core.sheet_cells import RupiahWidget
from core.sheet_import import SheetImportResource
from core.spreadsheets import read_table, table_dataset
from jobs.models import Job
from jobs.progress import CountedDataset, writes_refused
from jobs.services import Progress
from products.resources import LegalityResource, ProducerResource, ProductResource
from villages.roles import Scope

IMPORTS = {
    "produsen": ProducerResource,
    "produk": ProductResource,
    "legalitas": LegalityResource,
    "penyaluran": DeliveryResource,
    "kunjungan": VisitResource,
    "capaian": OutcomeResource,
}
IMPORT_LABELS = {
    "produsen": gettext_lazy("Produsen (UMKM)"),
    "produk": gettext_lazy("Produk"),
    "legalitas": gettext_lazy("Dokumen legalitas"),
    "penyaluran": gettext_lazy("Penyaluran bantuan"),
    "kunjungan": gettext_lazy("Kunjungan pendampingan"),
    "capaian": gettext_lazy("Capaian produk per triwulan"),
}
IMPORT_NOUNS = {
    "produsen": gettext_lazy("produsen"),
    "produk": gettext_lazy("produk"),
    "legalitas": gettext_lazy("dokumen legalitas"),
    "penyaluran": gettext_lazy("penyaluran bantuan"),
    "kunjungan": gettext_lazy("kunjungan pendampingan"),
    "capaian": gettext_lazy("capaian produk"),
}
IMPORT_LISTS = {
    "produsen": "products:producer_list",
    "produk": "products:product_list",
    "legalitas": "products:product_list",
    "penyaluran": "assistance:programme_list",
    "kunjungan": "assistance:overdue",
    "capaian": "products:product_list",
}
# Kinds only the Dinas records, as on their forms (assistance.views.delivery_create).
DINAS_ONLY = {"penyaluran"}


def import_refusal(kind: str, scope: Scope) -> str:
    """Why this official may not import this kind at all; '' when they may."""
    if kind in DINAS_ONLY and not scope.is_dinas:
        return _("Hanya petugas Dinas yang dapat mengimpor %(what)s.") % {"what": IMPORT_NOUNS[kind]}
    return ""


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


def _shown(header: str, value, rupiah: set[str]):
    """A changed cell as the preview shows it: Rupiah columns as Rupiah (Rp 150.000), like every page."""
    if header in rupiah and str(value or "").isdigit():
        return format_rupiah(int(value))
    return value


def _summarise(kind: str, resource: SheetImportResource, result: Result, ignored: list[str]) -> ImportReport:
    report = ImportReport(kind=kind, ignored_columns=ignored)
    report.file_errors = [
        _("Berkas tidak dapat diproses: %(error)s") % {"error": e.error} for e in result.base_errors
    ]
    headers = result.diff_headers
    name_column = resource.fields[resource.NAME_ATTRIBUTE].column_name
    rupiah = {f.column_name for f in resource.fields.values() if isinstance(f.widget, RupiahWidget)}
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
                (header, _shown(header, old, rupiah), _shown(header, new, rupiah))
                for header, (old, new) in zip(headers, row.diff or [], strict=False)
                if old != new
            ]
            report.rows.append(RowReport(number, "update", label, changes=changes))
        else:
            report.rows.append(RowReport(number, "new" if row.is_new() else "skip", label))
    return report


def _prepared(kind: str, name: str, data: bytes, scope: Scope, user):
    """The file's rows under the resource's columns, the columns ignored and the resource; a report of
    why not when the file cannot be read or this official may not import this kind."""
    resource_class = IMPORTS[kind]
    if refusal := import_refusal(kind, scope):
        return ImportReport(kind=kind, file_errors=[refusal])
    try:
        table = read_table(name, data)
        probe = resource_class(scope=scope)
        dataset, ignored = table_dataset(table, probe.get_export_headers(), probe.import_columns())
    except Refused as refusal:
        return ImportReport(kind=kind, file_errors=[refusal.message])
    return dataset, ignored, resource_class(scope=scope, sheet_rows=table.numbers, user=user)


def import_run(*, kind: str, name: str, data: bytes, scope: Scope, dry_run: bool, user=None) -> ImportReport:
    """Check the file row by row and, unless it is a dry run and only if every row is valid, write it
    in one transaction. A dry run always rolls back. `user` is the importing official (a visit's
    officer, a delivery's responsible officer, the recorder of outcome figures)."""
    prepared = _prepared(kind, name, data, scope, user)
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


def import_check(
    *, kind: str, name: str, data: bytes, scope: Scope, progress: Progress, user=None
) -> ImportReport:
    """A dry run that shows its progress: what import_run(dry_run=True) reports, for the worker.

    It runs outside any transaction, unlike import_run's, because the progress page must see the
    rows counted while they are checked, and a count written inside a transaction is seen only at
    its end (PostgreSQL) or, on SQLite, blocks every other writer until then. A dry run writes
    nothing, and writes_refused makes sure of it; the cost is that the rows are read without one
    snapshot, which a preview may afford: the import checks them all again, in its own transaction.
    """
    prepared = _prepared(kind, name, data, scope, user)
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
