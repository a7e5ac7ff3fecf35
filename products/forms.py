from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import DateInput, ErrorsAlwaysShown, Sections
from core.images import validate_photo
from core.keys import KeyCheckingMultipleChoiceField
from core.money import RupiahField
from core.scans import scan_file_name, validate_scan
from core.widgets import SearchSelect, SearchSelectMultiple
from villages.forms import VillageChoiceField, village_choices
from villages.roles import Scope

from .models import NIB_HELD_ELSEWHERE, Designation, LegalityDocument, Producer, Product
from .validators import normalise_nib, normalise_whatsapp

CHOOSE_PRODUCT = _("— Pilih produk —")
CHOOSE_PRODUCER = _("— Pilih produsen —")


def village_picker() -> SearchSelect:
    return SearchSelect(source=reverse_lazy("products:village_picker"))


def product_label(product: Product) -> str:
    return f"{product.name} · {product.village.name}"


def producer_label(producer: Producer) -> str:
    return f"{producer.business_name} · {producer.village.name}"


def producers_near(producers: QuerySet, village_code: str | None) -> QuerySet:
    """Producers of the village first, then of its kecamatan, then the others, each by name (a product's
    makers are most often of its own village). The kecamatan is read from the village code's prefix."""
    if not village_code:
        return producers.order_by("business_name", "pk")
    nearness = Case(
        When(village_id=village_code, then=Value(0)),
        When(village__district_id=village_code.rpartition(".")[0], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return producers.annotate(nearness=nearness).order_by("nearness", "business_name", "pk")


class ProductForm(Sections, ErrorsAlwaysShown, VersionedFormMixin, forms.ModelForm):
    sections = (
        (_("Produk"), ("name", "village", "category", "status")),
        (_("Pembuat produk"), ("producers",)),
        (
            _("Harga dan kapasitas"),
            ("price_min", "price_max", "price_unit", "monthly_capacity", "capacity_unit"),
        ),
        (_("Pasar"), ("market_reach",)),
        (_("Cerita dan bahan baku"), ("story", "raw_materials")),
    )
    price_min = RupiahField(label=_("Harga terendah (Rp)"), required=False)
    price_max = RupiahField(label=_("Harga tertinggi (Rp)"), required=False)

    class Meta:
        model = Product
        fields = [
            "name",
            "village",
            "category",
            "status",
            "story",
            "raw_materials",
            "price_min",
            "price_max",
            "price_unit",
            "monthly_capacity",
            "capacity_unit",
            "market_reach",
            "producers",
        ]
        field_classes = {"village": VillageChoiceField, "producers": KeyCheckingMultipleChoiceField}
        widgets = {
            "story": forms.Textarea(attrs={"rows": 5}),
            "raw_materials": forms.Textarea(attrs={"rows": 2}),
            "village": village_picker(),
            # Ordered by nearness to the product's village as it is chosen (static/js/picker.js).
            "producers": SearchSelectMultiple(
                source=reverse_lazy("products:producer_picker"), near="village"
            ),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = village_choices(scope)
        village = self.instance.village_id or self.initial.get("village")
        self.fields["producers"].queryset = producers_near(
            Producer.objects.for_scope(scope).select_related("village"),
            village if isinstance(village, str) else None,
        )
        self.fields["producers"].label_from_instance = producer_label
        self.fields["producers"].help_text = _(
            "Produsen desa produk ini tampil lebih dulu, lalu produsen sekecamatan."
        )


class WrittenNumbersMixin:
    """A producer's WhatsApp number and NIB as people write them (0812-3456-7890, spaces in a NIB),
    read by products.validators before the model checks the stored form. The producer form and the
    admin's use it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for the spaces and dashes people write; the stored form is checked by the model.
        self.fields["whatsapp"].max_length = 30
        self.fields["whatsapp"].widget.attrs.update(
            {"maxlength": 30, "inputmode": "tel", "placeholder": "0812-3456-7890"}
        )
        self.fields["whatsapp"].validators = []
        self.fields["nib"].max_length = 20
        self.fields["nib"].widget.attrs.update({"maxlength": 20, "inputmode": "numeric"})
        self.fields["nib"].validators = []

    def clean_whatsapp(self) -> str:
        return normalise_whatsapp(self.cleaned_data.get("whatsapp", ""))

    def clean_nib(self) -> str:
        return normalise_nib(self.cleaned_data.get("nib", ""))


class ProducerForm(Sections, WrittenNumbersMixin, VersionedFormMixin, forms.ModelForm):
    sections = (
        (_("Usaha"), ("business_name", "owner_name", "kind", "village", "address", "profile")),
        (_("Kontak"), ("whatsapp", "contact_consent")),
        (_("Legalitas dan skala usaha"), ("nib", "workers", "year_started")),
        (_("Letak di peta"), ("latitude", "longitude")),
    )

    class Meta:
        model = Producer
        fields = [
            "business_name",
            "owner_name",
            "kind",
            "village",
            "address",
            "profile",
            "whatsapp",
            "contact_consent",
            "nib",
            "workers",
            "year_started",
            "latitude",
            "longitude",
        ]
        field_classes = {"village": VillageChoiceField}
        widgets = {"village": village_picker()}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if "village" in self.fields:
            self.fields["village"].queryset = village_choices(scope)

    def clean_nib(self) -> str:
        nib = super().clean_nib()
        holder = Producer.objects.filter(nib=nib).exclude(pk=self.instance.pk).first() if nib else None
        if holder is not None:
            # The database's uniqueness would refuse it too; this says it in the official's terms:
            # a producer they can see is named, any other is not even placed (NIB_HELD_ELSEWHERE).
            if Producer.objects.for_scope(self.scope).filter(pk=holder.pk).exists():
                raise ValidationError(
                    _("NIB ini sudah terdaftar untuk %(producer)s di wilayah Anda.")
                    % {"producer": holder.business_name},
                    code="nib_taken",
                )
            raise ValidationError(NIB_HELD_ELSEWHERE, code="nib_taken")
        return nib


class NewProducerForm(ProducerForm):
    """A producer not yet registered, typed on the product form itself (prefix `new_producer`): saved
    with the product, in the product's village, and linked to it (products.services.
    product_producer_register). Left untouched, it is empty and nothing is made."""

    sections = ()
    prefix = "new_producer"

    class Meta(ProducerForm.Meta):
        fields = ["business_name", "owner_name", "kind", "whatsapp", "nib", "contact_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_permitted=True, use_required_attribute=False, **kwargs)
        self.fields["business_name"].help_text = _("Dicatat di desa/kelurahan produk ini.")

    def has_changed(self) -> bool:
        # Only what is typed counts: the choice of kind and the consent box have values of their own
        # even when nobody touched this step.
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip()
            for name in ("business_name", "owner_name", "whatsapp", "nib")
        )


class LegalityDocumentForm(forms.ModelForm):
    class Meta:
        model = LegalityDocument
        fields = ["kind", "number", "issuer", "issued_on", "expires_on", "scan"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args, holder: Product | Producer, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(holder, Product):
            self.instance.product = holder
        else:
            self.instance.producer = holder
            # A producer's NIB is the NIB of its own data (LegalityDocument._clean_producer_nib).
            self.fields["number"].required = False
            self.fields["number"].help_text = _("Untuk NIB, kosongkan: nomornya diambil dari data produsen.")
        self.fields["scan"].help_text = _("PDF, JPEG atau PNG, paling besar 10 MB.")
        self.fields["scan"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("number") and cleaned.get("kind") not in (None, LegalityDocument.Kind.NIB):
            self.add_error("number", _("Isi nomor dokumen."))
        return cleaned

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not isinstance(scan, UploadedFile):
            return scan
        kind = validate_scan(scan)
        # The original name (often the owner's name or NIK) is not kept anywhere.
        scan.name = scan_file_name(kind)
        return scan


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Foto"),
        help_text=_("JPEG, PNG atau WebP; paling besar 10 MB dan 40 megapiksel."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Keterangan foto"), max_length=200, required=False)
    is_cover = forms.BooleanField(label=_("Jadikan foto sampul"), required=False)

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = required
        self.validated_image = None

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload:
            self.validated_image = validate_photo(upload)
        return upload


class ProposeForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Produk yang diusulkan"), queryset=Product.objects.none(), empty_label=CHOOSE_PRODUCT
    )
    year = forms.IntegerField(label=_("Tahun penetapan"), min_value=2000, max_value=2100)
    notes = forms.CharField(
        label=_("Catatan usulan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = village.products.order_by("name")


class ApproveForm(ErrorsAlwaysShown, forms.Form):
    decree_number = forms.CharField(label=_("Nomor SK Bupati"), max_length=120)
    decree_date = forms.DateField(label=_("Tanggal SK"), widget=DateInput())
    # The approved designation the official saw: if it changed meanwhile, the approval is refused.
    expected_current = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Tanggal penilaian"), widget=DateInput())
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_points})",
                help_text=criterion.description,
                min_value=0,
                max_value=criterion.max_points,
            )

    def clean_assessed_on(self):
        from .models import today

        day = self.cleaned_data["assessed_on"]
        if day > today():
            raise ValidationError(_("Tanggal penilaian tidak boleh di masa depan."))
        return day

    def points(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


# --- yearly designation rounds --------------------------------------------------------------------------


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Nama putaran"),
        max_length=120,
        required=False,
        help_text=_("Kosongkan untuk memakai “OVOP [tahun]”."),
    )


class ProductInVillageField(forms.ModelChoiceField):
    def label_from_instance(self, product: Product) -> str:
        return f"{product.village.district.name} · {product.village.name} · {product.name}"


class RoundProposeForm(forms.Form):
    product = ProductInVillageField(
        label=_("Produk yang diusulkan"),
        queryset=Product.objects.none(),
        empty_label=CHOOSE_PRODUCT,
        widget=SearchSelect(source=reverse_lazy("products:product_picker")),
    )
    notes = forms.CharField(
        label=_("Catatan usulan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            Product.objects.for_scope(scope)
            .select_related("village__district")
            .order_by("village__district__name", "village__name", "name")
        )


APPROVE, REJECT = "approve", "reject"


class RoundDecideForm(ErrorsAlwaysShown, forms.Form):
    """A decision for every waiting proposal of the round, and the decree that records the approvals."""

    number = forms.CharField(label=_("Nomor SK Bupati"), max_length=120)
    decree_date = forms.DateField(label=_("Tanggal SK"), widget=DateInput())
    signed_by_name = forms.CharField(label=_("Nama penanda tangan"), max_length=200)
    signed_by_title = forms.CharField(
        label=_("Jabatan penanda tangan"),
        max_length=200,
        help_text=_("Misalnya: Bupati Serang."),
    )
    scan = forms.FileField(
        label=_("Pindaian SK (PDF)"),
        required=False,
        help_text=_("PDF, paling besar 10 MB. Disimpan tertutup; hanya petugas yang dapat mengunduhnya."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, proposals: list[Designation], **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for proposal in proposals:
            self.fields[f"decision_{proposal.pk}"] = forms.ChoiceField(
                label=proposal.product.name,
                choices=[(APPROVE, _("Tetapkan")), (REJECT, _("Tolak"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{proposal.pk}"] = forms.CharField(
                label=_("Alasan penolakan"), required=False, max_length=4000
            )

    def rows(self) -> list[tuple[Designation, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"decision_{p.pk}"], self[f"reason_{p.pk}"]) for p in self.proposals]

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not isinstance(scan, UploadedFile):
            return None
        kind = validate_scan(scan)
        if kind != "pdf":
            raise ValidationError(_("Pindaian SK harus berkas PDF."))
        scan.name = scan_file_name(kind)  # the uploaded name says nothing we keep
        return scan

    def clean_decree_date(self):
        day = self.cleaned_data["decree_date"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal SK tidak boleh di masa depan."))
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        for proposal in self.proposals:
            decision = cleaned.get(f"decision_{proposal.pk}")
            if decision == REJECT and not (cleaned.get(f"reason_{proposal.pk}") or "").strip():
                self.add_error(f"reason_{proposal.pk}", _("Tuliskan alasan penolakan."))
        if (
            self.proposals
            and not any(cleaned.get(f"decision_{p.pk}") == APPROVE for p in self.proposals)
            and not self.errors
        ):
            raise ValidationError(_("SK memerlukan paling sedikit satu produk yang ditetapkan."))
        return cleaned

    def decisions(self) -> tuple[list[int], dict[int, str]]:
        approve = [p.pk for p in self.proposals if self.cleaned_data[f"decision_{p.pk}"] == APPROVE]
        reject = {
            p.pk: self.cleaned_data[f"reason_{p.pk}"]
            for p in self.proposals
            if self.cleaned_data[f"decision_{p.pk}"] == REJECT
        }
        return approve, reject
