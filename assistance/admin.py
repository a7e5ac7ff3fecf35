from django import forms
from django.contrib import admin

from core.admin import RecoveringHistoryAdmin, RupiahAdminMixin
from core.errors import Refused
from core.keys import KeyCheckingAdminMixin
from villages.admin import VillageDistrictFilter

from .models import Delivery, MentoringVisit, OutcomeRecord, Programme, VisitPhoto
from .services import budget_check


class DeliveryInline(RupiahAdminMixin, KeyCheckingAdminMixin, admin.TabularInline):
    """Read only here: a delivery is added or changed on its own page, where the budget is checked."""

    model = Delivery
    fields = ["delivered_on", "village", "product", "value", "status"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeliveryAdminForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = [
            "programme",
            "village",
            "product",
            "producer",
            "delivered_on",
            "value",
            "description",
            "status",
            "officer",
        ]

    def clean(self):
        cleaned = super().clean()
        programme, value, status = cleaned.get("programme"), cleaned.get("value"), cleaned.get("status")
        if programme and value is not None and status != Delivery.Status.CANCELLED:
            try:
                budget_check(programme, extra=value, excluding=self.instance.pk)
            except Refused as refusal:
                raise forms.ValidationError(refusal.message) from None
        return cleaned


@admin.register(Programme)
class ProgrammeAdmin(RupiahAdminMixin, KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["name", "kind", "fiscal_year", "budget", "funding_source", "status"]
    list_filter = ["fiscal_year", "kind", "funding_source", "status"]
    search_fields = ["name", "agency"]
    inlines = [DeliveryInline]

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple_history would call select_related() with no field for a model without foreign keys,
        # which Django 6.1 deprecates; the person who made each change is all there is to join.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")


@admin.register(Delivery)
class DeliveryAdmin(RupiahAdminMixin, KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    form = DeliveryAdminForm
    list_display = ["programme", "village", "product", "delivered_on", "value", "status"]
    list_filter = ["status", "programme__kind", "programme__fiscal_year", VillageDistrictFilter]
    list_select_related = ["programme", "village", "product"]
    search_fields = ["programme__name", "village__name", "product__name", "description"]
    autocomplete_fields = ["programme", "village", "product", "producer", "officer"]
    date_hierarchy = "delivered_on"


class VisitPhotoInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = VisitPhoto
    fields = ["thumb"]
    readonly_fields = ["thumb"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MentoringVisit)
class MentoringVisitAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["visited_on", "product", "producer", "officer", "next_action_due", "next_action_done"]
    list_filter = ["next_action_done"]
    list_select_related = ["product", "producer", "officer"]
    search_fields = ["product__name", "producer__business_name", "findings"]
    autocomplete_fields = ["product", "producer", "officer"]
    inlines = [VisitPhotoInline]
    recovered_with = ((VisitPhoto, "visit_id"),)


@admin.register(OutcomeRecord)
class OutcomeRecordAdmin(RupiahAdminMixin, KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["product", "year", "quarter", "production_volume", "turnover", "workers"]
    list_filter = ["year", "quarter"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    autocomplete_fields = ["product", "recorded_by"]


# --- village situations (issue 15) -------------------------------------------------------------------

from .models import HelpFlag, SituationHelp  # noqa: E402


@admin.register(SituationHelp)
class SituationHelpAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    """Which kinds of assistance serve villages in each situation (the officials' lists show them)."""

    list_display = ["situation", "kind", "note"]
    list_filter = ["situation", "kind"]
    search_fields = ["note"]


@admin.register(HelpFlag)
class HelpFlagAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    """Read only: officials raise and clear flags on the village page (assistance.services)."""

    list_display = ["village", "reason", "raised_by", "raised_at", "cleared_at", "cleared_by"]
    list_filter = [VillageDistrictFilter]
    list_select_related = ["village", "raised_by", "cleared_by"]
    search_fields = ["village__name", "reason", "clearing_note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- potential exploration and success stories (issue 15, items 2 and 4) -------------------------------

from .models import Exploration, ExplorationCandidate, ExplorationPhoto, SuccessStory  # noqa: E402


class ExplorationCandidateInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = ExplorationCandidate
    fields = ["name", "category", "notes", "product"]
    autocomplete_fields = ["product"]
    extra = 0


class ExplorationPhotoInline(admin.TabularInline):
    model = ExplorationPhoto
    fields = ["image", "thumb"]
    readonly_fields = ["thumb"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Exploration)
class ExplorationAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["explored_on", "village", "explored_by", "next_step", "next_step_due"]
    list_filter = [VillageDistrictFilter]
    list_select_related = ["village", "explored_by"]
    search_fields = ["village__name", "village__code", "raw_materials", "skills", "home_businesses"]
    autocomplete_fields = ["village", "explored_by"]
    inlines = [ExplorationCandidateInline, ExplorationPhotoInline]
    recovered_with = ((ExplorationCandidate, "exploration_id"), (ExplorationPhoto, "exploration_id"))


@admin.register(SuccessStory)
class SuccessStoryAdmin(RupiahAdminMixin, KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["title", "product", "status", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["product"]
    search_fields = ["title", "product__name"]
    autocomplete_fields = ["product", "written_by", "deliveries"]
