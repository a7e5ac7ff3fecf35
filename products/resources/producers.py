"""Producers (UMKM) in spreadsheets: matched by NIB, else by business name and village code."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.sheet_cells import (
    ChoiceWidget,
    CoordinateWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    cell_text,
    normal_name,
)
from core.sheet_import import SheetImportMeta
from villages.resources import VillageSheetResource

from ..models import NIB_HELD_ELSEWHERE, Producer, Product
from ..models.legality import nib_documents_follow
from ..search import search_refresh
from ..validators import normalise_nib
from .widgets import NIBWidget, WhatsAppWidget


class ProducerResource(VillageSheetResource):
    """Producers, matched by NIB when the row has one, else by business name and village code
    (whatever the case and the spaces around)."""

    NAME_ATTRIBUTE = "business_name"
    REQUIRED_COLUMNS = ("Kode desa", "Nama usaha", "Pemilik/ketua")
    NOTES = {
        **VillageSheetResource.NOTES,
        "Nama usaha": gettext_lazy("Wajib. Bersama kode desa, mengenali produsen yang tidak ber-NIB."),
        "Pemilik/ketua": gettext_lazy("Wajib. Pemilik atau ketua kelompok."),
        "Bentuk usaha": gettext_lazy("Salah satu nilai di lembar ini. Kosong: Perorangan."),
        "Alamat": gettext_lazy("Tampil untuk publik hanya dengan persetujuan kontak."),
        "WhatsApp": gettext_lazy("Nomor ponsel Indonesia, misalnya 0812-3456-7890; disimpan sebagai +62…"),
        "Setuju kontak dipublikasikan": gettext_lazy("“ya” atau “tidak” (UU PDP). Kosong: tidak."),
        "NIB": gettext_lazy("13 angka dari OSS. Bila diisi, produsen dikenali dari NIB-nya."),
        "Jumlah pekerja": gettext_lazy("Bilangan bulat. Kosong: 1."),
        "Tahun mulai usaha": gettext_lazy("Misalnya 2015."),
        "Lintang": gettext_lazy("Derajat desimal, misalnya -6.123456; isi bersama bujur."),
        "Bujur": gettext_lazy("Derajat desimal, misalnya 106.123456; isi bersama lintang."),
    }

    business_name = fields.Field(attribute="business_name", column_name="Nama usaha", widget=TextWidget(True))
    owner_name = fields.Field(attribute="owner_name", column_name="Pemilik/ketua", widget=TextWidget(True))
    kind = fields.Field(
        attribute="kind",
        column_name="Bentuk usaha",
        widget=ChoiceWidget(Producer.Kind),
        default=Producer.Kind.PERORANGAN,
    )
    address = fields.Field(attribute="address", column_name="Alamat", widget=TextWidget())
    whatsapp = fields.Field(attribute="whatsapp", column_name="WhatsApp", widget=WhatsAppWidget())
    contact_consent = fields.Field(
        attribute="contact_consent", column_name="Setuju kontak dipublikasikan", widget=YesNoWidget()
    )
    nib = fields.Field(attribute="nib", column_name="NIB", widget=NIBWidget())
    workers = fields.Field(
        attribute="workers", column_name="Jumlah pekerja", widget=WholeNumberWidget(), default=1
    )
    year_started = fields.Field(
        attribute="year_started", column_name="Tahun mulai usaha", widget=WholeNumberWidget()
    )
    latitude = fields.Field(attribute="latitude", column_name="Lintang", widget=CoordinateWidget())
    longitude = fields.Field(attribute="longitude", column_name="Bujur", widget=CoordinateWidget())

    class Meta(SheetImportMeta):
        model = Producer
        fields = (
            "village",
            "village_name",
            "district_name",
            "business_name",
            "owner_name",
            "kind",
            "address",
            "whatsapp",
            "contact_consent",
            "nib",
            "workers",
            "year_started",
            "latitude",
            "longitude",
        )

    def before_import(self, dataset, **kwargs) -> None:
        """Find, in a few queries for the whole file, the producers its rows may name."""
        nibs = set()
        for text in self._column_values(dataset, "nib"):
            try:
                nibs.add(normalise_nib(text))
            except ValidationError:
                continue  # the row is refused for it, and it names nobody
        self._by_nib = dict(Producer.objects.filter(nib__in=nibs).values_list("nib", "pk"))
        self._nib_in_scope = set(
            Producer.objects.for_scope(self.scope).filter(nib__in=nibs).values_list("pk", flat=True)
        )
        villages = self._column_values(dataset, "village")
        self._by_name: dict[tuple[str, str], list[tuple[int, str]]] = {}
        named = Producer.objects.filter(village_id__in=villages).values_list(
            "pk", "village_id", "business_name", "nib"
        )
        for pk, village_id, name, nib in named:
            self._by_name.setdefault((village_id, normal_name(name)), []).append((pk, nib))
        named_pks = [pk for matches in self._by_name.values() for pk, _nib in matches]
        self._preload([*self._nib_in_scope, *named_pks], lock=kwargs.get("lock_rows", False))
        self._load_taken(dataset)

    def write_all(self) -> None:
        super().write_all()  # in bulk, past Producer.save: its NIB documents follow here
        nib_documents_follow(self._to_update)

    def refresh_search(self, instances: list) -> None:
        updated = [producer.pk for producer in self._to_update]
        if updated:  # a new producer has no products yet
            search_refresh(Product.objects.filter(producers__in=updated))

    def get_instance(self, instance_loader, row) -> Producer | None:
        try:
            nib = self._cell(row, "nib")
            nib_written = bool(nib)
        except ValueError:  # not a NIB: the row is refused for it, and no producer holds it
            nib, nib_written = "", True
        try:
            village, name = self._cell(row, "village"), self._cell(row, "business_name")
        except ValueError:
            village = name = None
        pk = self._by_nib.get(nib) if nib else None
        if pk is not None:
            if pk not in self._nib_in_scope:
                # Never the holder's name, village or area: see NIB_HELD_ELSEWHERE.
                raise ValidationError({"nib": str(NIB_HELD_ELSEWHERE)})
            return self._claim(Producer, pk, "nib")
        if not (village and name):
            return None
        matches = self._by_name.get((village.code, normal_name(name)), [])
        if nib_written:  # a NIB nobody holds yet: it is given to the producer of that name who has none
            matches = [match for match in matches if not match[1]]
        if len(matches) > 1:
            raise ValidationError(
                {
                    "business_name": _(
                        "Ada lebih dari satu produsen bernama “%(name)s” di desa ini; isi NIB-nya untuk "
                        "memilih salah satu."
                    )
                    % {"name": name}
                }
            )
        return self._claim(Producer, matches[0][0], "business_name") if matches else None

    def row_key(self, row) -> tuple | None:
        nib = self._cell(row, "nib")
        if nib:
            return ("nib", nib)
        village = cell_text(row.get(self.VILLAGE_COLUMN))
        name = normal_name(cell_text(row.get("Nama usaha")))
        return ("business_name", village, name) if village and name else None

    def key_description(self, key: tuple) -> str:
        return _("NIB") if key[0] == "nib" else _("nama usaha dan kode desa")
