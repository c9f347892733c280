from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Researcher, User

admin.site.register(User, UserAdmin)


@admin.register(Researcher)
class ResearcherAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "openalex_id",
        "orcid",
        "claim_status",
        "verification_level",
        "trust_score",
        "works_count",
    ]
    list_filter = ["claim_status", "verification_level", "open_to_collaborate"]
    search_fields = ["display_name", "openalex_id", "orcid"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["last_known_institutions"]
    readonly_fields = [
        "works_count",
        "followers_count",
        "topics_count",
        "close_collaborators_count",
        "cited_by_count",
        "trust_score",
        "trust_rubric_version",
    ]
