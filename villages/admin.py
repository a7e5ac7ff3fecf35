from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.keys import KeyCheckingAdminMixin

from .models import District, OfficerArea, Province, Regency, Village


@admin.register(Province)
class ProvinceAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["province"]


@admin.register(District)
class DistrictAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "regency"]
    list_select_related = ["regency"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["regency"]


class ServiceAreaDistrictFilter(admin.SimpleListFilter):
    """Filter by a kecamatan of the served regency (the whole country has 7,285: too many to list)."""

    title = _("kecamatan")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        return District.objects.in_service_area().values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(district_id=self.value())
        return queryset


class VillageDistrictFilter(ServiceAreaDistrictFilter):
    """The same filter for a model that has a village: its village's kecamatan."""

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(village__district_id=self.value())
        return queryset


@admin.register(Village)
class VillageAdmin(KeyCheckingAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "postal_code"]
    list_filter = [ServiceAreaDistrictFilter, "kind"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "postal_code"]
    autocomplete_fields = ["district"]


class OfficerAreaInline(KeyCheckingAdminMixin, admin.TabularInline):
    model = OfficerArea
    autocomplete_fields = ["district"]
    extra = 0
    verbose_name = _("wilayah tugas (kecamatan)")
    verbose_name_plural = _("wilayah tugas (kecamatan) untuk Petugas Kecamatan")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class OfficerUserAdmin(KeyCheckingAdminMixin, UserAdmin):
    """Django's user admin, plus the kecamatan a Petugas Kecamatan works in."""

    inlines = [*UserAdmin.inlines, OfficerAreaInline]


# Django's own group admin, with the permission keys checked like every other admin's.
admin.site.unregister(Group)


@admin.register(Group)
class KeyCheckingGroupAdmin(KeyCheckingAdminMixin, GroupAdmin):
    pass
