from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models, services


@admin.register(models.Township)
class TownshipAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(models.Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "township"]
    list_filter = ["township"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Its households and posts carry the township: a village stays where it was made.
        return ["township"] if obj else []


@admin.register(models.Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "number"]
    list_filter = ["village__township", "village"]
    list_select_related = ["village"]

    def get_readonly_fields(self, request, obj=None):
        # Its households carry the village: a grid stays in the village it was made in.
        return ["village"] if obj else []


@admin.register(models.VillagerGroup)
class VillagerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "grid", "number"]
    list_filter = ["village"]
    list_select_related = ["village", "grid__village"]

    def get_readonly_fields(self, request, obj=None):
        return ["village"] if obj else []

    def save_model(self, request, obj, form, change):
        # Re-gridding moves the group's households along (services.save_node).
        services.save_node(actor=request.user, node=obj)


class PostInline(admin.TabularInline):
    model = models.Post
    extra = 0
    raw_id_fields = ["village", "grid", "group"]


@admin.register(models.Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "township", "user"]
    search_fields = ["name", "name_pinyin", "phone"]
    inlines = [PostInline]
    raw_id_fields = ["user"]


@admin.register(models.Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["head_name", "address", "group", "grid"]
    list_select_related = ["group__village", "grid__village"]
    search_fields = ["head_name", "head_initials", "phone"]
    raw_id_fields = ["group", "responsible_cadre", "contact_representative"]


@admin.register(models.Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "id_number_masked", "household", "relation"]
    list_select_related = ["household"]
    search_fields = ["name", "id_last4"]
    raw_id_fields = ["household"]
    exclude = ["id_number"]
    readonly_fields = ["id_number_masked"]

    @admin.display(description=_("resident ID number"))
    def id_number_masked(self, resident):
        return resident.masked_id_number

    def has_add_permission(self, request):
        # Residents are registered in the portal, whose form checks the ID number.
        return False


@admin.register(models.IdReveal)
class IdRevealAdmin(admin.ModelAdmin):
    """Read-only: the reveal log is evidence."""

    list_display = ["revealed_at", "user", "resident", "reason", "ip_address"]
    list_select_related = ["user", "resident"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(models.Place)
admin.site.register(models.CareCategory)
