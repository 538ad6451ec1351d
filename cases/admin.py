from django.contrib import admin

from .models import Attachment, Case, CaseEvent, Deadline


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "from_level", "to_level", "from_status", "to_status", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: cases change through their transitions in the portal, which keep the timeline."""

    list_display = ["reference", "summary", "procedure", "category", "level", "status", "village", "due_at"]
    list_filter = ["procedure", "category", "status", "level", "township"]
    search_fields = ["summary"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a case and its timeline are the record


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["township", "procedure", "level", "warn_after", "due_after"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "case", "kind", "uploaded_by", "uploaded_at"]

    def has_change_permission(self, request, obj=None):
        return False
