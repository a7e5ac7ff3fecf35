import django_filters
from django import forms
from django.conf import settings
from django.db.models import F
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.widgets import LeanSelect, SearchSelect
from villages.forms import district_choices, district_labeller, village_choices, village_label
from villages.models import PROVINCE_CODE, REGENCY_CODE, District, Province, Regency, Village
from villages.roles import Scope

from .models import Category, LegalityDocument, Producer, Product, VillageStatus
from .search import SearchPlan, search, search_plan

ALL_DISTRICTS = _("Semua kecamatan")

# Formatted when shown, so an English page reads it in English.
_at_least_stars = lazy(lambda n: gettext("Minimal %(n)s bintang") % {"n": n}, str)


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
    # The plain selects drawn lean too (core.widgets.LeanSelect): no template include per option.
    category = django_filters.ModelChoiceFilter(
        label=_("Kategori"),
        queryset=Category.objects.all(),
        empty_label=_("Semua kategori"),
        widget=LeanSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Product.Status.choices, empty_label=_("Semua status"), widget=LeanSelect
    )
    legality = django_filters.ChoiceFilter(
        label=_("Legalitas"),
        choices=LEGALITY_CHOICES,
        method="filter_legality",
        empty_label=_("Semua"),
        widget=LeanSelect,
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
        label=_("Bentuk usaha"),
        choices=Producer.Kind.choices,
        empty_label=_("Semua bentuk usaha"),
        widget=LeanSelect,
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
        widget=LeanSelect,
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
    # Lazy labels, so an English page reads them in English; 5 is the top: no "5 stars or more".
    STAR_CHOICES = [(5, _("5 bintang"))] + [(n, _at_least_stars(n)) for n in (4, 3, 2, 1)]
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
        # Flagships first, as the label says; then, for a search, the better matches. The stored flag
        # (Product.listed_as_flagship): unsearched, the first page is read from its index.
        "": ["-listed_as_flagship", F("relevance").desc(), "name", "pk"],
        "relevan": [F("relevance").desc(), "-listed_as_flagship", "name", "pk"],
        "nama": ["name", "pk"],
        "bintang": [F("stars").desc(nulls_last=True), "-listed_as_flagship", "name", "pk"],
        "terbaru": ["-created_at", "-pk"],
    }

    # Every select is drawn lean (core.widgets.LeanSelect): no template include per option.
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    # Above a regency the region cascades (province > regency > kecamatan): each select lists the
    # children of the choice above it only, so the form stays small for the whole country.
    provinsi = django_filters.ModelChoiceFilter(
        label=_("Provinsi"),
        queryset=Province.objects.none(),
        method="filter_region",
        empty_label=_("Semua provinsi"),
        widget=LeanSelect,
    )
    kabupaten = django_filters.ModelChoiceFilter(
        label=_("Kabupaten/kota"),
        queryset=Regency.objects.none(),
        method="filter_region",
        empty_label=_("Semua kabupaten/kota"),
        widget=LeanSelect,
    )
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="village__district",
        queryset=District.objects.none(),
        empty_label=_("Semua kecamatan"),
        widget=LeanSelect,
    )
    kategori = django_filters.ModelChoiceFilter(
        label=_("Kategori"),
        field_name="category",
        to_field_name="slug",
        queryset=Category.objects.all(),
        empty_label=_("Semua kategori"),
        widget=LeanSelect,
    )
    jenis = django_filters.ChoiceFilter(
        label=_("Jenis"),
        choices=KIND_CHOICES,
        method="filter_kind",
        empty_label=_("Semua produk"),
        widget=LeanSelect,
    )
    bintang = django_filters.ChoiceFilter(
        label=_("Bintang"),
        choices=STAR_CHOICES,
        method="filter_stars",
        empty_label=_("Semua"),
        widget=LeanSelect,
    )
    legalitas = django_filters.ChoiceFilter(
        label=_("Legalitas"),
        choices=LEGALITY_CHOICES,
        method="filter_legality",
        empty_label=_("Semua"),
        widget=LeanSelect,
    )
    urut = django_filters.ChoiceFilter(
        label=_("Urutkan"),
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=None,
        null_label=None,
        widget=LeanSelect,
    )

    class Meta:
        model = Product
        fields = [
            "q",
            "provinsi",
            "kabupaten",
            "kecamatan",
            "kategori",
            "jenis",
            "bintang",
            "legalitas",
            "urut",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cascade_regions()
        for name, parent, hint in (
            ("kabupaten", "provinsi", _("Pilih provinsi dulu.")),
            ("kecamatan", "kabupaten", _("Pilih kabupaten/kota dulu.")),
        ):
            if parent in self.filters and not self.data.get(parent):
                self.form.fields[name].help_text = hint
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Produk, desa, produsen…")}
        )
        self.form.fields["urut"].required = False
        self.form.fields["kategori"].label_from_instance = lambda category: category.display_name

    @property
    def qs(self):
        # Sorting comes last, whatever the order of the parameters: it needs the search's relevance.
        if not hasattr(self, "_qs"):
            self._qs = self.searched(self.plan)
        return self._qs

    @property
    def plan(self) -> SearchPlan:
        """How the search query is read: synonyms, corrected words (products.search)."""
        if not hasattr(self, "_plan"):
            self._plan = search_plan(self.search_query)
        return self._plan

    def searched(self, plan: SearchPlan):
        """The filtered products searched with `plan`, sorted: also for trying other queries."""
        if not hasattr(self, "_filtered"):
            self._filtered = super().qs
            del self._qs  # django-filter keeps its result there; ours is the searched one
        return search(self._filtered, plan).order_by(*self.SORTS[self.sort])

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

    def filter_region(self, queryset, name, value):
        # Codes nest (36.04.09.2009 lies in 36.04): the product's own village code, no join.
        return queryset.filter(village__code__startswith=f"{value.pk}.")

    @property
    def region_names(self) -> list[str]:
        """The region selects of this deployment, widest first."""
        return [name for name in ("provinsi", "kabupaten", "kecamatan") if name in self.filters]

    def _cascade_regions(self) -> None:
        """In a regency the kecamatan select lists the regency's kecamatan. Above it, the province and
        regency selects join it, each listing the children of the choice above (read from the
        narrowest choice made: a link with only ?kecamatan= shows its regency and province); a choice
        outside the one above it is stale (the wider one was changed) and is dropped."""
        area = settings.OVOP_AREA_CODE
        if REGENCY_CODE.fullmatch(area):
            del self.filters["provinsi"], self.filters["kabupaten"]
            self.filters["kecamatan"].queryset = District.objects.in_service_area().order_by("name")
            return
        data = self.data.copy()
        province = area if PROVINCE_CODE.fullmatch(area) else data.get("provinsi", "")
        regency = data.get("kabupaten", "")
        district = data.get("kecamatan", "")
        if province and regency and not regency.startswith(f"{province}."):
            regency = district = ""
        if regency and district and not district.startswith(f"{regency}."):
            district = ""
        if province and district and not district.startswith(f"{province}."):
            district = ""
        if district and not regency:
            regency = ".".join(district.split(".")[:2])
        if regency and not province:
            province = regency.split(".")[0]
        for name, value in (("provinsi", province), ("kabupaten", regency), ("kecamatan", district)):
            if value:
                data[name] = value
            else:
                data.pop(name, None)
        if PROVINCE_CODE.fullmatch(area):
            del self.filters["provinsi"]
            data.pop("provinsi", None)
        else:
            self.filters["provinsi"].queryset = Province.objects.order_by("name")
        self.data = data
        self.filters["kabupaten"].queryset = (
            Regency.objects.filter(province_id=province).order_by("name")
            if province
            else Regency.objects.none()
        )
        self.filters["kecamatan"].queryset = (
            District.objects.filter(regency_id=regency).order_by("name")
            if regency
            else District.objects.none()
        )

    def filter_kind(self, queryset, name, value):
        # The designations themselves, as the badge reads them (the stored flag only orders).
        return queryset.filter(is_flagship=(value == "unggulan"))

    def filter_legality(self, queryset, name, value):
        return queryset.with_valid_legality(value)
