from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from core.forms import DateInput, Sections
from core.images import validate_photo
from core.money import RupiahField
from core.widgets import SearchSelect
from products.models import Producer, Product
from villages.forms import VillageChoiceField, village_choices
from villages.roles import Scope

from .models import Delivery, MentoringVisit, OutcomeRecord, Programme

MAX_VISIT_PHOTOS = 5


class ProgrammeForm(VersionedFormMixin, forms.ModelForm):
    budget = RupiahField(label=_("Pagu anggaran (Rp)"))

    class Meta:
        model = Programme
        fields = [
            "name",
            "kind",
            "fiscal_year",
            "budget",
            "funding_source",
            "agency",
            "status",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DeliveryForm(Sections, VersionedFormMixin, forms.ModelForm):
    sections = (
        (_("Penerima: desa dulu, lalu produk atau produsennya"), ("village", "product", "producer")),
        (_("Bantuan yang disalurkan"), ("delivered_on", "value", "description", "status")),
    )
    value = RupiahField(label=_("Nilai (Rp)"), help_text=_("Uang, atau nilai barang seperti tungku."))

    class Meta:
        model = Delivery
        fields = ["village", "product", "producer", "delivered_on", "value", "description", "status"]
        field_classes = {"village": VillageChoiceField}
        # The village is chosen first: the product and producer searches keep to it (static/js/picker.js),
        # and Delivery.clean() refuses a product or producer of another village whatever was sent.
        widgets = {
            "delivered_on": DateInput(),
            "village": SearchSelect(source=reverse_lazy("products:village_picker")),
            "product": SearchSelect(source=reverse_lazy("products:product_picker"), depends_on="village"),
            "producer": SearchSelect(source=reverse_lazy("products:producer_picker"), depends_on="village"),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = village_choices(scope)
        self.fields["product"].queryset = (
            Product.objects.for_scope(scope).select_related("village").order_by("name", "pk")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} · {p.village.name}"
        self.fields["product"].empty_label = _("— Pilih produk —")
        self.fields["producer"].queryset = (
            Producer.objects.for_scope(scope).select_related("village").order_by("business_name", "pk")
        )
        self.fields["producer"].label_from_instance = lambda p: f"{p.business_name} · {p.village.name}"
        self.fields["producer"].empty_label = _("— Pilih produsen —")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_VISIT_PHOTOS:
            raise ValidationError(_("Paling banyak %(n)s foto per kunjungan.") % {"n": MAX_VISIT_PHOTOS})
        return [validate_photo(super(MultiplePhotoField, self).clean(f, initial)) for f in files]


class VisitForm(VersionedFormMixin, forms.ModelForm):
    photos = MultiplePhotoField(
        label=_("Foto kunjungan"), required=False, help_text=_("Paling banyak 5 foto JPEG, PNG atau WebP.")
    )

    class Meta:
        model = MentoringVisit
        fields = [
            "visited_on",
            "findings",
            "next_action",
            "next_action_due",
            "next_action_done",
            "next_action_done_on",
            "next_action_note",
        ]
        widgets = {
            "visited_on": DateInput(),
            "next_action_due": DateInput(),
            "next_action_done_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "next_action_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, subject: Product | Producer, officer, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(subject, Product):
            self.instance.product = subject
        else:
            self.instance.producer = subject
        self.instance.officer = officer
        if self.instance.pk is None:  # a new visit's follow-up is still to be done
            for name in ("next_action_done", "next_action_done_on", "next_action_note"):
                del self.fields[name]


class FollowUpCloseForm(forms.Form):
    """Mark a visit's agreed next action done (assistance.services.visit_follow_up_close)."""

    heading = _("Tandai tindak lanjut selesai")
    done_on = forms.DateField(label=_("Tanggal selesai"), widget=DateInput())
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Apa yang sudah dilakukan, hasilnya."),
    )

    def __init__(self, *args, visit: MentoringVisit, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class FollowUpRescheduleForm(forms.Form):
    """Move a visit's agreed next action to a new due date (services.visit_follow_up_reschedule)."""

    heading = _("Jadwalkan ulang tindak lanjut")
    due_on = forms.DateField(label=_("Batas waktu baru"), widget=DateInput())
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, visit: MentoringVisit, **kwargs):
        kwargs.setdefault("initial", {"due_on": visit.next_action_due})
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.ModelForm):
    turnover = RupiahField(label=_("Omzet (Rp)"))

    class Meta:
        model = OutcomeRecord
        fields = [
            "year",
            "quarter",
            "production_volume",
            "volume_unit",
            "turnover",
            "workers",
            "markets_reached",
            "online_shops",
            "new_legality_documents",
        ]

    def __init__(self, *args, product: Product, recorded_by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.instance.recorded_by = recorded_by
        # Recorded since the market network was tracked: left empty (or on an older form), none.
        self.fields["online_shops"].required = False

    def clean_online_shops(self) -> int:
        return self.cleaned_data.get("online_shops") or 0

    def clean(self):
        cleaned = super().clean()
        taken = OutcomeRecord.objects.filter(
            product=self.instance.product, year=cleaned.get("year"), quarter=cleaned.get("quarter")
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Capaian triwulan ini sudah dicatat untuk produk ini."), code="duplicate")
        return cleaned
