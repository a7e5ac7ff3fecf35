from django import forms
from django.utils.translation import gettext_lazy as _

from .models import District, Village, summary_level
from .roles import Scope

CHOOSE_VILLAGE = _("— Pilih desa/kelurahan —")


def village_choices(scope: Scope):
    """The villages an official may choose in a form: those of their area, by kecamatan and name."""
    return Village.objects.for_scope(scope).select_related("district").order_by("district__name", "name")


def village_label(village: Village) -> str:
    """How a village is named in pickers and their search results: "Kecamatan · Desa (code)"."""
    return f"{village.district.name} · {village.name} ({village.code})"


class VillageChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE_VILLAGE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, village: Village) -> str:
        return village_label(village)


def district_choices(scope: Scope):
    """The kecamatan an official may choose, by name (with their regency, to tell namesakes apart)."""
    return District.objects.for_scope(scope).select_related("regency").order_by("name", "code")


def district_labeller(scope: Scope):
    """A kecamatan's label: its name within one regency; above it, with the regency's name too (there
    is a Cibeber in Cianjur and one in Lebak)."""
    if summary_level(scope) == "district":
        return str
    return lambda district: f"{district.name} · {district.regency.name}"
