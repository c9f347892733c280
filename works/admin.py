from django.contrib import admin

from .models import (
    Authorship,
    AuthorshipInstitution,
    Concept,
    Funder,
    ImportPart,
    ImportRun,
    Institution,
    Publisher,
    Researcher,
    Source,
    SyncState,
    Topic,
    Work,
    WorkConcept,
    WorkTopic,
)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    raw_id_fields = ["researcher"]
    exclude = ["raw_affiliation_strings", "countries"]


class AuthorshipInstitutionInline(admin.TabularInline):
    model = AuthorshipInstitution
    extra = 0
    raw_id_fields = ["institution"]


class WorkTopicInline(admin.TabularInline):
    model = WorkTopic
    extra = 0
    raw_id_fields = ["topic"]


class WorkConceptInline(admin.TabularInline):
    model = WorkConcept
    extra = 0
    raw_id_fields = ["concept"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "type", "publication_year", "source", "cited_by_count", "openalex_id"]
    list_filter = ["type"]
    search_fields = ["title", "openalex_id", "doi"]
    raw_id_fields = ["source"]
    inlines = [AuthorshipInline, WorkTopicInline, WorkConceptInline]
    list_select_related = ["source"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["display_name", "country_code", "type", "homepage_domain", "openalex_id"]
    list_filter = ["type", "country_code"]
    search_fields = ["display_name", "openalex_id", "ror", "homepage_domain"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["display_name", "type", "issn_l", "openalex_id"]
    search_fields = ["display_name", "openalex_id", "issn_l"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["display_name", "subfield", "field", "domain", "openalex_id"]
    search_fields = ["display_name", "openalex_id"]


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["display_name", "level", "openalex_id"]
    search_fields = ["display_name", "openalex_id"]


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["display_name", "hierarchy_level", "openalex_id"]
    search_fields = ["display_name", "openalex_id"]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "country_code", "openalex_id"]
    search_fields = ["display_name", "openalex_id"]


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["work", "order", "researcher", "position", "raw_author_name"]
    raw_id_fields = ["work", "researcher"]
    search_fields = ["raw_author_name", "work__title"]
    inlines = [AuthorshipInstitutionInline]


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
    readonly_fields = [
        # Ownership changes only through claims (profiles.claims), which keep the audit trail.
        "owner",
        "claim_status",
        "verification_level",
        "works_count",
        "followers_count",
        "topics_count",
        "close_collaborators_count",
        "cited_by_count",
        "trust_score",
        "trust_rubric_version",
    ]


class ImportPartInline(admin.TabularInline):
    model = ImportPart
    extra = 0
    can_delete = False
    fields = ["path", "entity", "phase", "state", "records", "expected_records", "written"]
    fields += ["warnings", "errors", "attempts", "claimed_by", "started_at", "finished_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs are written by import_openalex --workers; here they are read."""

    list_display = ["pk", "source", "state", "phase", "created_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = ["source", "state", "phase", "partial", "batch_size", "created_at"]
    readonly_fields += ["finished_at", "researchers_refreshed"]
    inlines = [ImportPartInline]

    def has_add_permission(self, request):
        return False


@admin.register(ImportPart)
class ImportPartAdmin(admin.ModelAdmin):
    list_display = ["path", "run", "entity", "state", "records", "errors", "attempts"]
    list_filter = ["state", "entity"]
    search_fields = ["path"]
    list_select_related = ["run"]
    readonly_fields = [field.name for field in ImportPart._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["source", "synced_until", "pending_from", "entity", "records", "updated_at"]
    readonly_fields = ["source", "synced_until", "pending_from", "pending_until", "entity"]
    readonly_fields += ["cursor", "records", "last_error", "updated_at"]
