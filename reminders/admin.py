from django.contrib import admin

from .models import ReminderPreference, SentReminder


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "language", "updated_at"]
    list_filter = ["frequency", "language"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """The log, read-only: a row is also the claim that keeps a digest from going out twice, so editing
    one by hand would resend or suppress a reminder."""

    list_display = ["user", "key", "kind", "status", "channel", "claimed_at", "sent_at"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["user__username", "user__email", "key"]
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
