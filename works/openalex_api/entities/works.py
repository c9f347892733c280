"""The OpenAlex works collection: its rows, filters, sorts and groups."""

import datetime as dt

from django.db.models import Case, Q, Value, When

from works.models import Authorship, Work, WorkConcept, WorkTopic

from .. import serializers
from ..grouping import DocGroup
from .base import (
    TYPE_PREFIX,
    Entity,
    Group,
    Sort,
    _authorship_institutions,
    _lookup_doi,
    boolean,
    date,
    doi,
    fk_id,
    id_filters,
    load_works,
    load_works_page,
    number,
    orcid,
    own_id,
    related_id,
    text_exact,
    words_in,
)
from .work_filters import WORK_FILTERS
from .work_rows import load_work_rows

# Root-level fields (for `select`): OpenAlex's work object across its schema eras.
WORK_FIELDS = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "ids",
    "language",
    "primary_location",
    "type",
    "type_crossref",
    "indexed_in",
    "open_access",
    "authorships",
    "is_authors_truncated",
    "institutions",
    "countries_distinct_count",
    "institutions_distinct_count",
    "corresponding_author_ids",
    "corresponding_institution_ids",
    "apc_list",
    "apc_paid",
    "apc_payment",
    "fwci",
    "has_fulltext",
    "fulltext_origin",
    "cited_by_count",
    "citation_normalized_percentile",
    "cited_by_percentile_year",
    "biblio",
    "is_retracted",
    "is_paratext",
    "is_xpac",
    "primary_topic",
    "topics",
    "keywords",
    "concepts",
    "concepts_count",
    "mesh",
    "locations_count",
    "locations",
    "best_oa_location",
    "sustainable_development_goals",
    "grants",
    "awards",
    "funders",
    "datasets",
    "versions",
    "has_content",
    "content_urls",
    "referenced_works_count",
    "referenced_works",
    "related_works",
    "ngrams_url",
    "abstract_inverted_index",
    "abstract_inverted_index_v3",
    "authors_count",
    "institution_assertions",
    "doi_registration_agency",
    "summary_stats",
    "cited_by_api_url",
    "counts_by_year",
    "host_venue",
    "alternate_host_venues",
    "updated_date",
    "created_date",
    "updated",
    "relevance_score",
)
WORK_ID = own_id("works")
AUTHOR_OF_WORK = related_id("authors", Authorship.objects.all, "researcher", "work_id")
INSTITUTION_OF_WORK = related_id(
    "institutions", _authorship_institutions, "institution", "authorship__work_id"
)
TOPIC_OF_WORK = related_id("topics", WorkTopic.objects.all, "topic", "work_id")
CONCEPT_OF_WORK = related_id("concepts", WorkConcept.objects.all, "concept", "work_id")
SOURCE_OF_WORK = fk_id("sources", "source")


def _has(condition: Q):
    """`true`/`false` as a group key: whether the row meets the condition."""
    return Case(When(condition, then=Value("true")), default=Value("false"))


WORK_DOC_GROUPS = {
    "authorships.countries": DocGroup("$.authorships[*].countries[*]"),
    "authorships.institutions.lineage": DocGroup("$.authorships[*].institutions[*].lineage[*]"),
    "corresponding_author_ids": DocGroup("$.corresponding_author_ids[*]"),
    "corresponding_institution_ids": DocGroup("$.corresponding_institution_ids[*]"),
    "keywords.id": DocGroup("$.keywords[*]", "id", "display_name"),
    "primary_topic.id": DocGroup("$.primary_topic", "id", "display_name"),
    "sustainable_development_goals.id": DocGroup(
        "$.sustainable_development_goals[*]", "id", "display_name"
    ),
    "funders.id": DocGroup("$.funders[*]", "id", "display_name"),
    "grants.funder": DocGroup("$.grants[*]", "funder", "funder_display_name"),
    **{
        f"{prefix}.{level}.id": DocGroup(f"$.{path}.{level}", "id", "display_name")
        for prefix, path in (("primary_topic", "primary_topic"), ("topics", "topics[*]"))
        for level in ("domain", "field", "subfield")
    },
    **{
        f"{name}.source.id": DocGroup(f"$.{path}.source", "id", "display_name")
        for name, path in (("locations", "locations[*]"), ("best_oa_location", "best_oa_location"))
    },
    "repository": DocGroup("$.locations[*].source", "id", "display_name"),
    **{
        f"{name}.{field}": DocGroup(f"$.{path}.{field}")
        for name, path in (
            ("primary_location", "primary_location"),
            ("best_oa_location", "best_oa_location"),
            ("locations", "locations[*]"),
        )
        for field in ("license", "version", "is_oa", "source.type", "source.is_in_doaj")
    },
    "version": DocGroup("$.locations[*].version"),
    **{
        name: DocGroup(f"$.{name}")
        for name in (
            "has_fulltext",
            "fulltext_origin",
            "is_paratext",
            "type_crossref",
            "open_access.any_repository_has_fulltext",
            "apc_list.currency",
            "apc_paid.currency",
            "citation_normalized_percentile.is_in_top_1_percent",
            "citation_normalized_percentile.is_in_top_10_percent",
            "countries_distinct_count",
            "institutions_distinct_count",
            "locations_count",
            "concepts_count",
            "referenced_works_count",
        )
    },
    "indexed_in": DocGroup("$.indexed_in[*]"),
}


def AUTHOR_ORCID_OF_WORK(text: str) -> Q:  # noqa: N802 (a filter, named like its siblings)
    authorships = Authorship.objects.filter(orcid("researcher__orcid")(text))
    return Q(pk__in=authorships.values("work_id"))


def _first_authors(row) -> list[str]:
    """The names of the first three byline entries, from the stored record when there is one."""
    document = getattr(row, "document", None)
    if document:
        entries = document.get("authorships") or []
        names = []
        for entry in entries[:3]:
            if isinstance(entry, dict):
                author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
                name = entry.get("raw_author_name") or author.get("display_name")
                if isinstance(name, str) and name:
                    names.append(name)
        return names
    return [a.name for a in row.authorships.all()[:3] if a.name]


WORKS = Entity(
    name="works",
    entity_type="work",
    fields=WORK_FIELDS,
    model=Work,
    load=load_works,
    load_list=load_works_page,
    list_fragments=True,
    load_rows=load_work_rows,
    serialize=serializers.work,
    filters={
        **id_filters(WORK_ID),
        "doi": doi,
        "ids.doi": doi,
        "author.id": AUTHOR_OF_WORK,
        "authorships.author.id": AUTHOR_OF_WORK,
        "author.orcid": AUTHOR_ORCID_OF_WORK,
        "authorships.author.orcid": AUTHOR_ORCID_OF_WORK,
        "institutions.id": INSTITUTION_OF_WORK,
        "institution.id": INSTITUTION_OF_WORK,
        "authorships.institutions.id": INSTITUTION_OF_WORK,
        "publication_year": number("publication_year", 9999),
        "publication_date": date("publication_date"),
        "from_publication_date": date("publication_date", "__gte"),
        "to_publication_date": date("publication_date", "__lte"),
        "type": text_exact("type", TYPE_PREFIX),
        "language": text_exact("language"),
        "cited_by_count": number("cited_by_count"),
        **WORK_FILTERS,
        "primary_location.source.id": SOURCE_OF_WORK,
        "journal": SOURCE_OF_WORK,
        "source.id": SOURCE_OF_WORK,
        "topics.id": TOPIC_OF_WORK,
        "concepts.id": CONCEPT_OF_WORK,
        "concept.id": CONCEPT_OF_WORK,
        "has_doi": boolean(~Q(doi="")),
        "has_abstract": boolean(~Q(abstract="")),
    },
    search=words_in("title", "abstract"),
    sorts={
        "publication_year": Sort("publication_year", null_as=0),
        "publication_date": Sort("publication_date", null_as=dt.date(1, 1, 1), kind="date"),
        "cited_by_count": Sort("cited_by_count"),
        "display_name": Sort("title"),
        "title": Sort("title"),
    },
    groups={
        **WORK_DOC_GROUPS,
        **dict.fromkeys(("is_oa", "open_access.is_oa"), Group(lambda qs: qs, "is_oa")),
        **dict.fromkeys(("oa_status", "open_access.oa_status"), Group(lambda qs: qs, "oa_status")),
        "is_retracted": Group(lambda qs: qs, "is_retracted"),
        "authors_count": Group(lambda qs: qs, "authors_count"),
        "cited_by_count": Group(lambda qs: qs, "cited_by_count"),
        "has_doi": Group(lambda qs: qs.annotate(has_doi=_has(~Q(doi=""))), "has_doi"),
        "primary_location.source.type": Group(lambda qs: qs, "source__type"),
        **{
            f"{prefix}.{column}": Group(
                lambda qs: _authorship_institutions().filter(authorship__work__in=qs.values("pk")),
                f"institution__{column}",
                count="authorship__work_id",
            )
            for prefix in ("authorships.institutions", "institutions")
            for column in ("country_code", "type", "ror")
        },
        "concepts.id": Group(
            lambda qs: WorkConcept.objects.filter(work__in=qs.values("pk")),
            "concept_id",
            "concept__display_name",
            count="work_id",
            entity="concepts",
            openalex="concept__openalex_id",
        ),
        "publication_year": Group(lambda qs: qs, "publication_year"),
        "type": Group(lambda qs: qs, "type", prefix=TYPE_PREFIX),
        "language": Group(lambda qs: qs, "language"),
        "primary_location.source.id": Group(
            lambda qs: qs,
            "source_id",
            "source__display_name",
            entity="sources",
            openalex="source__openalex_id",
        ),
        "authorships.author.id": Group(
            lambda qs: Authorship.objects.filter(work__in=qs.values("pk")),
            "researcher_id",
            "researcher__display_name",
            count="work_id",
            entity="authors",
            openalex="researcher__openalex_id",
        ),
        "authorships.institutions.id": Group(
            lambda qs: _authorship_institutions().filter(authorship__work__in=qs.values("pk")),
            "institution_id",
            "institution__display_name",
            count="authorship__work_id",
            entity="institutions",
            openalex="institution__openalex_id",
        ),
        "topics.id": Group(
            lambda qs: WorkTopic.objects.filter(work__in=qs.values("pk")),
            "topic_id",
            "topic__display_name",
            count="work_id",
            entity="topics",
            openalex="topic__openalex_id",
        ),
    },
    autocomplete_order=("-cited_by_count", "pk"),
    hint=lambda row: ", ".join(_first_authors(row)) or None,
    external_id=lambda row: f"https://doi.org/{row.doi}" if row.doi else None,
    lookup=_lookup_doi,
)
WORKS.groups["institutions.id"] = WORKS.groups["authorships.institutions.id"]
WORKS.groups["author.id"] = WORKS.groups["authorships.author.id"]
