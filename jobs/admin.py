from django.contrib import admin

from .models import Job, ScheduleEntry, WorkerHeartbeat


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "kind", "status", "done", "total", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__username", "task_result_id"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ["task_path", "next_run_at", "last_run_at", "last_error"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "beat_at"]
    readonly_fields = ["worker_id", "hostname", "pid", "started_at", "beat_at"]
