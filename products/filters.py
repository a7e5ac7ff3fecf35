import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from villages.models import District, Village
from villages.roles import Scope

from .models import Category, Producer, Product, VillageStatus


class ProductFilter(django_filters.FilterSet):
    LEGALITY_CHOICES = [
        ("missing", _("Belum ada dokumen")),
        ("expiring", _("Segera berakhir (90 hari)")),
        ("expired", _("Kedaluwarsa")),
    ]

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="village__district", queryset=District.objects.none()
    )
    village = django_filters.ModelChoiceFilter(label=_("Desa/Kelurahan"), queryset=Village.objects.none())
    category = django_filters.ModelChoiceFilter(label=_("Kategori"), queryset=Category.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Product.Status.choices)
    legality = django_filters.ChoiceFilter(
        label=_("Legalitas"), choices=LEGALITY_CHOICES, method="filter_legality"
    )

    class Meta:
        model = Product
        fields = ["q", "district", "village", "category", "status", "legality"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_scope(scope).order_by("name")
        self.filters["village"].queryset = Village.objects.for_scope(scope).order_by("name")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama produk, desa, produsen")}
        )

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
        label=_("Kecamatan"), field_name="village__district", queryset=District.objects.none()
    )
    kind = django_filters.ChoiceFilter(label=_("Bentuk usaha"), choices=Producer.Kind.choices)

    class Meta:
        model = Producer
        fields = ["q", "district", "kind"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_scope(scope).order_by("name")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama usaha, pemilik, NIB")}
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class VillageStatusFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(label=_("Kecamatan"), queryset=District.objects.none())
    status = django_filters.ChoiceFilter(
        label=_("Status OVOP"), choices=VillageStatus.choices, field_name="ovop_status"
    )

    class Meta:
        model = Village
        fields = ["q", "district", "status"]

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = District.objects.for_scope(scope).order_by("name")
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama atau kode desa")}
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
