import django_filters
from django import forms
from django.db.models import F
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.widgets import SearchSelect
from villages.forms import district_choices, district_labeller, village_choices, village_label
from villages.models import District, Village
from villages.roles import Scope

from .models import Category, LegalityDocument, Producer, Product, VillageStatus
from .search import search

ALL_DISTRICTS = _("Semua kecamatan")


class ProductFilter(django_filters.FilterSet):
    LEGALITY_CHOICES = [
        ("missing", _("Belum ada dokumen")),
        ("expiring", _("Segera berakhir (90 hari)")),
        ("expired", _("Kedaluwarsa")),
    ]

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="village__district",
        queryset=District.objects.none(),
        empty_label=ALL_DISTRICTS,
        widget=SearchSelect(source=reverse_lazy("products:district_picker")),
    )
    # A national area has tens of thousands of villages: searched, not listed (core.widgets).
    village = django_filters.ModelChoiceFilter(
        label=_("Desa/Kelurahan"),
        queryset=Village.objects.none(),
        empty_label=_("Semua desa/kelurahan"),
        widget=SearchSelect(source=reverse_lazy("products:village_picker")),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Kategori"), queryset=Category.objects.all(), empty_label=_("Semua kategori")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Product.Status.choices, empty_label=_("Semua status")
    )
    legality = django_filters.ChoiceFilter(
        label=_("Legalitas"), choices=LEGALITY_CHOICES, method="filter_legality", empty_label=_("Semua")
    )

    class Meta:
        model = Product
        fields = ["q", "district", "village", "category", "status", "legality"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = district_choices(scope)
        self.filters["village"].queryset = village_choices(scope)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama produk, desa, produsen")}
        )
        self.form.fields["village"].label_from_instance = village_label
        # After every queryset: reading self.form builds the form with the querysets set so far.
        self.form.fields["district"].label_from_instance = district_labeller(scope)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_legality(self, queryset, name, value):
        return {
            "missing": queryset.legality_missing,
            "expiring": queryset.legality_expiring,
            "expired": queryset.legality_expired,
        }[value]()


class ProducerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="village__district",
        queryset=District.objects.none(),
        empty_label=ALL_DISTRICTS,
        widget=SearchSelect(source=reverse_lazy("products:district_picker")),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Bentuk usaha"), choices=Producer.Kind.choices, empty_label=_("Semua bentuk usaha")
    )

    class Meta:
        model = Producer
        fields = ["q", "district", "kind"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = district_choices(scope)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama usaha, pemilik, NIB")}
        )
        # After every queryset: reading self.form builds the form with the querysets set so far.
        self.form.fields["district"].label_from_instance = district_labeller(scope)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class VillageStatusFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        queryset=District.objects.none(),
        empty_label=ALL_DISTRICTS,
        widget=SearchSelect(source=reverse_lazy("products:district_picker")),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status OVOP"),
        choices=VillageStatus.choices,
        field_name="ovop_status",
        empty_label=_("Semua status"),
    )

    class Meta:
        model = Village
        fields = ["q", "district", "status"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = district_choices(scope)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama atau kode desa")}
        )
        # After every queryset: reading self.form builds the form with the querysets set so far.
        self.form.fields["district"].label_from_instance = district_labeller(scope)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class CatalogueFilter(django_filters.FilterSet):
    """The public catalogue's filters. Parameter names are Indonesian words, so shared links read well."""

    KIND_CHOICES = [("unggulan", _("Produk unggulan desa")), ("lainnya", _("Produk lain"))]
    STAR_CHOICES = [(n, _("%(n)s bintang ke atas") % {"n": n}) for n in (5, 4, 3, 2, 1)]
    LEGALITY_CHOICES = [
        (LegalityDocument.Kind.HALAL, _("Halal")),
        (LegalityDocument.Kind.SPP_IRT, _("SPP-IRT")),
        (LegalityDocument.Kind.BPOM_MD, _("BPOM MD")),
        (LegalityDocument.Kind.NIB, _("NIB")),
        (LegalityDocument.Kind.HKI, _("HKI/Merek")),
        (LegalityDocument.Kind.SNI, _("SNI")),
    ]
    SORT_CHOICES = [
        ("", _("Unggulan dulu")),
        ("relevan", _("Paling cocok")),
        ("nama", _("Nama (A–Z)")),
        ("bintang", _("Bintang terbanyak")),
        ("terbaru", _("Terbaru")),
    ]
    SORTS = {
        "": [F("is_flagship").desc(), "name", "pk"],
        "relevan": [F("relevance").desc(), F("is_flagship").desc(), "name", "pk"],
        "nama": ["name", "pk"],
        "bintang": [F("stars").desc(nulls_last=True), F("is_flagship").desc(), "name", "pk"],
        "terbaru": ["-created_at", "-pk"],
    }

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="village__district",
        queryset=District.objects.none(),
        empty_label=_("Semua kecamatan"),
    )
    kategori = django_filters.ModelChoiceFilter(
        label=_("Kategori"),
        field_name="category",
        to_field_name="slug",
        queryset=Category.objects.all(),
        empty_label=_("Semua kategori"),
    )
    jenis = django_filters.ChoiceFilter(
        label=_("Jenis"), choices=KIND_CHOICES, method="filter_kind", empty_label=_("Semua produk")
    )
    bintang = django_filters.ChoiceFilter(
        label=_("Bintang"), choices=STAR_CHOICES, method="filter_stars", empty_label=_("Semua")
    )
    legalitas = django_filters.ChoiceFilter(
        label=_("Legalitas"),
        choices=LEGALITY_CHOICES,
        method="filter_legality",
        empty_label=_("Semua"),
    )
    urut = django_filters.ChoiceFilter(
        label=_("Urutkan"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, null_label=None
    )

    class Meta:
        model = Product
        fields = ["q", "kecamatan", "kategori", "jenis", "bintang", "legalitas", "urut"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kecamatan"].queryset = District.objects.in_service_area().order_by("name")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Produk, desa, produsen…")}
        )
        self.form.fields["urut"].required = False

    @property
    def qs(self):
        # Sorting comes last, whatever the order of the parameters: it needs the search's relevance.
        if not hasattr(self, "_qs"):
            queryset = search(super().qs, self.search_query)
            self._qs = queryset.order_by(*self.SORTS[self.sort])
        return self._qs

    def _cleaned(self, name: str) -> str:
        self.is_valid()  # cleans the form; a field with a bad value is left out, the others apply
        return getattr(self.form, "cleaned_data", {}).get(name) or ""

    @property
    def search_query(self) -> str:
        return self._cleaned("q")

    @property
    def sort(self) -> str:
        sort = self._cleaned("urut")
        if sort == "relevan" and not self.search_query:
            return ""
        return sort if sort in self.SORTS else ""

    def filter_search(self, queryset, name, value):
        return queryset  # applied in qs, after the other filters, with its relevance

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in qs

    def filter_stars(self, queryset, name, value):
        return queryset.filter(stars__gte=int(value))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(is_flagship=(value == "unggulan"))

    def filter_legality(self, queryset, name, value):
        return queryset.with_valid_legality(value)
