"""Forms of the officials' composed pages."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.keys import KeyCheckingChoiceField
from core.widgets import SearchSelect
from villages.forms import district_choices, district_labeller
from villages.models import District
from villages.roles import Scope


class KecamatanFilter(forms.Form):
    """A page's kecamatan, searched rather than listed: a national area has over seven thousand, and a
    listed choice of them all made the recap a 3 MB page. An unknown or another area's kecamatan
    is no choice (the whole area)."""

    kecamatan = KeyCheckingChoiceField(
        label=_("Kecamatan"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Semua kecamatan"),
        widget=SearchSelect(source=reverse_lazy("products:district_picker"), attrs={"class": "form-select"}),
    )

    def __init__(self, *args, scope: Scope, label=None, empty_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kecamatan"]
        field.queryset = district_choices(scope)
        field.label_from_instance = district_labeller(scope)
        if label is not None:
            field.label = label
        if empty_label is not None:
            field.empty_label = empty_label

    def district(self) -> District | None:
        return self.cleaned_data.get("kecamatan") if self.is_valid() else None
