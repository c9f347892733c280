from django.contrib import admin

from .models import GraphSlice


@admin.register(GraphSlice)
class GraphSliceAdmin(admin.ModelAdmin):
    list_display = ["researcher", "status", "stale", "built_at", "build_ms", "attempts"]
    list_filter = ["status", "stale"]
    raw_id_fields = ["researcher"]
    readonly_fields = ["payload", "fingerprint", "built_at", "build_ms", "queued_at", "started_at"]
