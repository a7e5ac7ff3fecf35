from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Village
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
