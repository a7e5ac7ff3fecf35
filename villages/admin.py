from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.keys import KeyCheckingAdminMixin, KeyCheckingMultipleChoiceField

from .models import District, OfficerArea, Province, Regency, Village
from .roles import PETUGAS_KECAMATAN, ROLE_GROUPS


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


class OfficerCreationForm(AdminUserCreationForm):
    """Creates an officer in one step: the account, its role and, for a Petugas Kecamatan, its kecamatan.

    A Dinas role works across the regency, so a kecamatan chosen with it is refused (not silently
    dropped): the admin sees that the choice has no meaning rather than believing it was saved."""

    role = forms.ChoiceField(
        label=_("peran"), choices=[("", "---------"), *((name, name) for name in ROLE_GROUPS)]
    )
    districts = KeyCheckingMultipleChoiceField(
        label=_("kecamatan"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wajib untuk Petugas Kecamatan; kosongkan untuk peran Dinas."),
    )

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.in_service_area().order_by("name")

    def clean(self):
        cleaned = super().clean()
        role, districts = cleaned.get("role"), cleaned.get("districts")
        if role == PETUGAS_KECAMATAN and not districts and "districts" not in self.errors:
            self.add_error(
                "districts", _("Petugas Kecamatan harus diberi sekurang-kurangnya satu kecamatan.")
            )
        elif role and role != PETUGAS_KECAMATAN and districts:
            self.add_error(
                "districts",
                _("Peran %(role)s bekerja di seluruh wilayah: jangan pilih kecamatan.") % {"role": role},
            )
        return cleaned

    def save(self, commit=True):
        if not commit:
            # The admin saves with commit=False and then calls save_model/save_related, which finish the job.
            return super().save(commit=False)
        with transaction.atomic():
            user = super().save(commit=True)
            self.save_role(user)
        return user

    def save_role(self, user):
        user.groups.add(Group.objects.get(name=self.cleaned_data["role"]))
        if self.cleaned_data["role"] == PETUGAS_KECAMATAN:
            OfficerArea.objects.bulk_create(
                OfficerArea(user=user, district=district) for district in self.cleaned_data["districts"]
            )


class RoleFilter(admin.SimpleListFilter):
    title = _("peran")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, name) for name in ROLE_GROUPS]

    def queryset(self, request, queryset):
        if self.value() in ROLE_GROUPS:
            return queryset.filter(groups__name=self.value())
        return queryset


class OfficerDistrictFilter(ServiceAreaDistrictFilter):
    """An officer's kecamatan, through their OfficerArea rows."""

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(officer_areas__district_id=self.value())
        return queryset


@admin.register(User)
class OfficerUserAdmin(KeyCheckingAdminMixin, UserAdmin):
    """Django's user admin, plus the role and the kecamatan a Petugas Kecamatan works in."""

    inlines = [*UserAdmin.inlines, OfficerAreaInline]
    add_form = OfficerCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan wilayah tugas"), {"fields": ("role", "districts")}),
    )
    list_display = [*UserAdmin.list_display, "roles", "districts"]
    list_filter = [*UserAdmin.list_filter, RoleFilter, OfficerDistrictFilter]

    def get_inlines(self, request, obj):
        # The add form asks for the kecamatan itself; the inline is for changing them afterwards.
        return super().get_inlines(request, obj) if obj is not None else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("groups", queryset=Group.objects.order_by("name")),
                Prefetch(
                    "officer_areas",
                    queryset=OfficerArea.objects.select_related("district").order_by("district__name"),
                ),
            )
        )

    @admin.display(description=_("Peran"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    @admin.display(description=_("Kecamatan"))
    def districts(self, obj):
        return ", ".join(area.district.name for area in obj.officer_areas.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and isinstance(form, OfficerCreationForm):
            form.save_role(form.instance)


# Django's own group admin, with the permission keys checked like every other admin's.
admin.site.unregister(Group)


@admin.register(Group)
class KeyCheckingGroupAdmin(KeyCheckingAdminMixin, GroupAdmin):
    pass
