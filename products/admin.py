from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.history import last_deletion, prepare_restored, restore_related
from core.keys import KeyCheckingAdminMixin
from villages.admin import ServiceAreaDistrictFilter

from .models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScore,
    Category,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
)


class RecoveringHistoryAdmin(SimpleHistoryAdmin):
    """History, revert, and recovery of a deleted object: open …/<id>/history/ of the deleted object,
    choose its last version and save. Its recorded many-to-many links come back, and so do the rows
    of `recovered_with` ((model, foreign key attname) pairs) deleted with it whose files still exist."""

    recovered_with: tuple = ()

    def save_model(self, request, obj, form, change) -> None:
        deletion = last_deletion(type(obj), obj.pk) if change and obj.pk is not None else None
        if deletion is None:
            super().save_model(request, obj, form, change)
            return
        prepare_restored(obj, deletion)
        super().save_model(request, obj, form, change)
        restored = restore_related(obj, deletion, related=self.recovered_with)
        if restored.files_missing:
            self.message_user(
                request,
                ngettext(
                    "%(n)s data terkait tidak dipulihkan karena berkasnya sudah tidak ada.",
                    "%(n)s data terkait tidak dipulihkan karena berkasnya sudah tidak ada.",
                    restored.files_missing,
                )
                % {"n": restored.files_missing},
                messages.WARNING,
            )


class ProductDistrictFilter(ServiceAreaDistrictFilter):
    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(village__district_id=self.value())
        return queryset


@admin.register(Category)
class CategoryAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ProductPhotoInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = ProductPhoto
    fields = ["thumb", "caption", "position", "is_cover"]
    readonly_fields = ["thumb"]
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        # Photos are added through the officials' page, which checks and re-encodes them.
        return False


class ProductLegalityInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = LegalityDocument
    fk_name = "product"
    fields = ["kind", "number", "issued_on", "expires_on", "scan"]
    extra = 0


class ProducerLegalityInline(ProductLegalityInline):
    fk_name = "producer"


class ProductProducerInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = Product.producers.through
    autocomplete_fields = ["producer"]
    extra = 0
    verbose_name = _("produsen")
    verbose_name_plural = _("produsen")


@admin.register(Product)
class ProductAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["name", "village", "category", "status", "is_demo", "updated_at"]
    list_filter = ["status", "category", ProductDistrictFilter, "is_demo"]
    list_select_related = ["village", "category"]
    search_fields = ["name", "slug", "village__name", "village__code"]
    autocomplete_fields = ["village"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    exclude = ["producers"]
    inlines = [ProductProducerInline, ProductPhotoInline, ProductLegalityInline]
    recovered_with = ((ProductPhoto, "product_id"),)


@admin.register(Producer)
class ProducerAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["business_name", "owner_name", "kind", "village", "nib", "contact_consent"]
    list_filter = ["kind", "contact_consent", ProductDistrictFilter, "is_demo"]
    list_select_related = ["village"]
    search_fields = ["business_name", "owner_name", "nib", "village__name"]
    autocomplete_fields = ["village"]
    inlines = [ProducerLegalityInline]


@admin.register(LegalityDocument)
class LegalityDocumentAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["kind", "number", "product", "producer", "issued_on", "expires_on"]
    list_filter = ["kind"]
    list_select_related = ["product", "producer"]
    search_fields = ["number", "product__name", "producer__business_name"]
    autocomplete_fields = ["product", "producer"]
    date_hierarchy = "expires_on"


@admin.register(Designation)
class DesignationAdmin(KeyCheckingAdminMixin, SimpleHistoryAdmin):
    """Admins may correct any field; the database still refuses a second approved flagship."""

    list_display = ["product", "village", "status", "year", "decree_number", "decree_date", "decided_at"]
    list_filter = ["status", "year", ProductDistrictFilter]
    list_select_related = ["product", "village"]
    search_fields = ["product__name", "village__name", "village__code", "decree_number"]
    autocomplete_fields = ["village", "product", "proposed_by", "decided_by", "ended_by", "replaced_by"]
    date_hierarchy = "proposed_at"


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "max_points", "position", "is_active"]
    list_editable = ["max_points", "position", "is_active"]


class AssessmentScoreInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = AssessmentScore
    fields = ["criterion", "points", "max_points"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Scores are recorded through the assessment form, which computes the total and the stars.
        return False


@admin.register(Assessment)
class AssessmentAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["product", "assessed_on", "total_points", "max_points", "stars", "assessor"]
    list_filter = ["stars"]
    list_select_related = ["product", "assessor"]
    search_fields = ["product__name"]
    readonly_fields = ["product", "assessor", "total_points", "max_points", "stars"]
    inlines = [AssessmentScoreInline]
    recovered_with = ((AssessmentScore, "assessment_id"),)

    def has_add_permission(self, request):
        return False
