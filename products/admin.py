from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadableHistoryAdmin, RecoveringHistoryAdmin, RupiahAdminMixin
from core.keys import KeyCheckingAdminMixin
from villages.admin import VillageDistrictFilter

from .forms import WrittenNumbersMixin
from .models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScore,
    Category,
    Decree,
    Designation,
    DesignationRound,
    LegalityDocument,
    MarketArea,
    Producer,
    Product,
    ProductPhoto,
    ProductVariant,
    SalesPoint,
    ShopLink,
)


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


class ProductVariantInline(RupiahAdminMixin, KeyCheckingAdminMixin, admin.TabularInline):
    model = ProductVariant
    extra = 0


class SalesPointInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = SalesPoint
    extra = 0


class MarketAreaInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = MarketArea
    extra = 0


class ShopLinkInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = ShopLink
    fields = ["platform", "url", "product"]
    autocomplete_fields = ["product"]
    extra = 0


@admin.register(Product)
class ProductAdmin(RupiahAdminMixin, KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["name", "village", "category", "status", "is_demo", "updated_at"]
    list_filter = ["status", "category", VillageDistrictFilter, "is_demo"]
    list_select_related = ["village", "category"]
    search_fields = ["name", "slug", "village__name", "village__code"]
    autocomplete_fields = ["village"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    exclude = ["producers"]
    inlines = [
        ProductProducerInline,
        ProductPhotoInline,
        ProductLegalityInline,
        ProductVariantInline,
        SalesPointInline,
        MarketAreaInline,
    ]
    recovered_with = ((ProductPhoto, "product_id"),)


class ProducerAdminForm(WrittenNumbersMixin, forms.ModelForm):
    class Meta:
        model = Producer
        fields = "__all__"  # noqa: DJ007 (the admin's own choice of fields, as without this form)


@admin.register(Producer)
class ProducerAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    form = ProducerAdminForm
    list_display = ["business_name", "owner_name", "kind", "village", "nib", "contact_consent"]
    list_filter = ["kind", "contact_consent", VillageDistrictFilter, "is_demo"]
    list_select_related = ["village"]
    search_fields = ["business_name", "owner_name", "nib", "village__name"]
    autocomplete_fields = ["village"]
    inlines = [ProducerLegalityInline, ShopLinkInline]


@admin.register(LegalityDocument)
class LegalityDocumentAdmin(KeyCheckingAdminMixin, RecoveringHistoryAdmin):
    list_display = ["kind", "number", "product", "producer", "issued_on", "expires_on"]
    list_filter = ["kind"]
    list_select_related = ["product", "producer"]
    search_fields = ["number", "product__name", "producer__business_name"]
    autocomplete_fields = ["product", "producer"]
    date_hierarchy = "expires_on"


@admin.register(Designation)
class DesignationAdmin(KeyCheckingAdminMixin, ReadableHistoryAdmin):
    """Admins may correct any field; the database still refuses a second approved flagship."""

    list_display = ["product", "village", "status", "year", "decree_number", "decree_date", "decided_at"]
    list_filter = ["status", "year", VillageDistrictFilter]
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


# --- yearly designation rounds and their decrees -----------------------------------------------------
# Rounds are opened, closed and decided on the officials' pages (products.services), which keep a
# round's designations and its decree consistent; the admin shows them, corrects names and the
# signatory, and replaces a decree's scan, but adds nothing and changes no state.


class DecreeInline(KeyCheckingAdminMixin, admin.StackedInline):
    model = Decree
    fields = [
        "number",
        "decree_date",
        "signed_by_name",
        "signed_by_title",
        "scan",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["number", "decree_date", "recorded_by", "recorded_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DesignationRound)
class DesignationRoundAdmin(KeyCheckingAdminMixin, ReadableHistoryAdmin):
    list_display = ["name", "year", "state", "opened_on", "closed_on", "recorded_from_decree"]
    list_filter = ["state", "recorded_from_decree"]
    search_fields = ["name"]
    fields = [
        "name",
        "year",
        "state",
        "opened_on",
        "opened_by",
        "closed_on",
        "closed_by",
        "recorded_from_decree",
    ]
    readonly_fields = [
        "year",
        "state",
        "opened_on",
        "opened_by",
        "closed_on",
        "closed_by",
        "recorded_from_decree",
    ]
    inlines = [DecreeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decree)
class DecreeAdmin(KeyCheckingAdminMixin, ReadableHistoryAdmin):
    list_display = ["number", "decree_date", "round", "signed_by_title"]
    list_select_related = ["round"]
    search_fields = ["number", "round__name"]
    fields = ["round", "number", "decree_date", "signed_by_name", "signed_by_title", "scan", "recorded_by"]
    readonly_fields = ["round", "number", "decree_date", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The search's synonyms (products.search). Imported here, with their admin, at the end of the file.
from .models import SearchSynonym  # noqa: E402


@admin.register(SearchSynonym)
class SearchSynonymAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    """The Dinas keeps the words buyers use: everyday and old names, regional words, English. A change
    applies to the next search (products.signals forgets the cached table)."""

    list_display = ["words", "note", "updated_at"]
    search_fields = ["words", "note"]
    fields = ["words", "note"]
