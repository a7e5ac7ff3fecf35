"""Forms of potential exploration (with its candidate products and photos) and of success stories."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import DateInput
from core.keys import KeyCheckingChoiceField, KeyCheckingMultipleChoiceField
from core.money import RupiahField
from core.widgets import SearchSelect
from products.models import Category, Product
from villages.forms import district_choices, district_labeller
from villages.models import District, Village
from villages.roles import Scope

from .forms import MultiplePhotoField
from .models import Delivery, Exploration, ExplorationCandidate, SuccessStory
from .selectors import ExplorationState

MAX_CANDIDATES = 10


class ExplorationForm(VersionedFormMixin, forms.ModelForm):
    photos = MultiplePhotoField(
        label=_("Foto penggalian"), required=False, help_text=_("Paling banyak 5 foto JPEG, PNG atau WebP.")
    )

    class Meta:
        model = Exploration
        fields = [
            "explored_on",
            "participants",
            "raw_materials",
            "skills",
            "home_businesses",
            "market_ideas",
            "next_step",
            "next_step_due",
        ]
        widgets = {
            "explored_on": DateInput(),
            "next_step_due": DateInput(),
            "raw_materials": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.Textarea(attrs={"rows": 3}),
            "home_businesses": forms.Textarea(attrs={"rows": 3}),
            "market_ideas": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, village: Village, explored_by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.village = village
        if self.instance.pk is None:
            # Who explored is who records it; an edit by another official keeps the original.
            self.instance.explored_by = explored_by


class CandidateForm(forms.ModelForm):
    class Meta:
        model = ExplorationCandidate
        fields = ["name", "category", "notes"]
        field_classes = {"category": KeyCheckingChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position", "name")


class BaseCandidateFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.product_id:
                raise ValidationError(
                    _("Calon produk %(name)s sudah terdaftar sebagai produk; tidak dapat dihapus.")
                    % {"name": form.instance.name}
                )


CandidateFormSet = inlineformset_factory(
    Exploration,
    ExplorationCandidate,
    form=CandidateForm,
    formset=BaseCandidateFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_CANDIDATES,
    validate_max=True,
)


class VillageExplorationFilter(forms.Form):
    """The filters of the villages-without-a-product list (all optional; bad values are ignored)."""

    district = KeyCheckingChoiceField(
        label=_("Kecamatan"),
        queryset=District.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Semua kecamatan"),
        widget=SearchSelect(source=reverse_lazy("products:district_picker")),
    )
    state = forms.ChoiceField(
        label=_("Status penggalian"),
        choices=[("", _("Semua status")), *ExplorationState.choices],
        required=False,
    )
    q = forms.CharField(label=_("Cari"), max_length=100, required=False)

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = district_choices(scope)
        self.fields["district"].label_from_instance = district_labeller(scope)
        # A new widget: `type` given to an existing one's attrs would be written twice.
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nama atau kode desa")}
        )

    def apply(self, villages):
        if not self.is_valid():
            return villages.none()
        if district := self.cleaned_data.get("district"):
            villages = villages.filter(district=district)
        if state := self.cleaned_data.get("state"):
            villages = villages.filter(exploration_state=state)
        if query := self.cleaned_data.get("q"):
            villages = villages.search(query)
        return villages


class SuccessStoryForm(VersionedFormMixin, forms.ModelForm):
    before_turnover = RupiahField(label=_("Omzet sebelum (Rp)"), required=False)
    after_turnover = RupiahField(label=_("Omzet sesudah (Rp)"), required=False)

    class Meta:
        model = SuccessStory
        fields = [
            "title",
            "what_worked",
            "deliveries",
            "assistance_text",
            "before_label",
            "after_label",
            "before_production",
            "after_production",
            "production_unit",
            "before_workers",
            "after_workers",
            "before_turnover",
            "after_turnover",
            "status",
        ]
        field_classes = {"deliveries": KeyCheckingMultipleChoiceField}
        widgets = {
            "what_worked": forms.Textarea(attrs={"rows": 5}),
            "assistance_text": forms.Textarea(attrs={"rows": 2}),
            "deliveries": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, product: Product, written_by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        if self.instance.pk is None:
            self.instance.written_by = written_by
        self.fields["deliveries"].queryset = (
            Delivery.objects.filter(product=product, status=Delivery.Status.DELIVERED)
            .select_related("programme")
            .order_by("delivered_on", "pk")
        )
        self.fields["deliveries"].label_from_instance = lambda d: (
            f"{d.delivered_on:%d-%m-%Y} · {d.programme.get_kind_display()}: {d.programme.name}"
        )
        self.fields["deliveries"].help_text = _("Pilih dari penyaluran bantuan ke produk ini.")
        if not self.fields["deliveries"].queryset.exists():
            # Nothing to choose from (and a list of no boxes could not show its error): free text only.
            del self.fields["deliveries"]
