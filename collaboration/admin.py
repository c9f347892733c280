from django.contrib import admin

from .models import Block, Conversation, DigestPreference, Follow, Invite


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "researcher", "created_at"]
    raw_id_fields = ["user", "researcher"]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_digest", "sent_until"]
    list_filter = ["weekly_digest"]
    raw_id_fields = ["user"]


class SuperusersOnly:
    """Private correspondence: closed to staff, moderators included (they act on reports).

    Superusers, who run the database anyway, see who wrote to whom and when, but no admin page
    shows what they wrote: the invite's message and the conversation's messages are left out.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(Invite)
class InviteAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["id", "sender", "recipient", "researcher", "status", "created_at"]
    list_filter = ["status"]
    fields = ["sender", "recipient", "researcher", "status", "created_at", "read_at", "decided_at"]
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "invite",
        "last_activity_at",
        "archived_by_sender",
        "archived_by_recipient",
    ]
    fields = list_display
    readonly_fields = list_display


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
