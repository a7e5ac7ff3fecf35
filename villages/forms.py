from django import forms

from .models import Village
from .roles import Scope


def village_choices(scope: Scope):
    """The villages an official may choose in a form: those of their area, by kecamatan and name."""
    return Village.objects.for_scope(scope).select_related("district").order_by("district__name", "name")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village: Village) -> str:
        return f"{village.district.name} · {village.name} ({village.code})"
