import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Programme


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), field_name="name", lookup_expr="icontains", max_length=100)
    fiscal_year = django_filters.NumberFilter(label=_("Tahun anggaran"))
    kind = django_filters.ChoiceFilter(
        label=_("Jenis bantuan"), choices=Programme.Kind.choices, empty_label=_("Semua jenis")
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("Sumber dana"), choices=Programme.Funding.choices, empty_label=_("Semua sumber dana")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Programme.Status.choices, empty_label=_("Semua status")
    )

    class Meta:
        model = Programme
        fields = ["q", "fiscal_year", "kind", "funding_source", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama program")}
        )
