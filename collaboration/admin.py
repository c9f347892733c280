from django.contrib import admin

from .models import Block, Conversation, DigestPreference, Follow, Invite, Message


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "researcher", "created_at"]
    raw_id_fields = ["user", "researcher"]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_digest", "sent_until"]
    list_filter = ["weekly_digest"]
    raw_id_fields = ["user"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["id", "sender", "recipient", "researcher", "topic", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["sender", "recipient", "researcher", "topic_ref", "work"]
    # Moderators read invites (abuse reports); the parties' services are the only writers.
    readonly_fields = ["status", "read_at", "decided_at"]


class MessageInline(admin.TabularInline):
    model = Message
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "invite",
        "last_activity_at",
        "archived_by_sender",
        "archived_by_recipient",
    ]
    raw_id_fields = ["invite"]
    inlines = [MessageInline]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
