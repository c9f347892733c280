"""The OpenAlex sources collection: its rows, filters, sorts and groups."""

from django.db.models import Q

from works.models import Source

from .. import serializers
from .base import (
    Entity,
    Group,
    figure_sorts,
    id_filters,
    own_id,
    text_exact,
    words_in,
)

SOURCE_ID = own_id("sources")

SOURCES = Entity(
    name="sources",
    entity_type="source",
    fields=(
        "id",
        "issn_l",
        "issn",
        "display_name",
        "host_organization",
        "host_organization_name",
        "host_organization_lineage",
        "host_organization_lineage_names",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "is_oa",
        "is_in_doaj",
        "is_core",
        "is_indexed_in_scopus",
        "ids",
        "homepage_url",
        "apc_prices",
        "apc_usd",
        "country_code",
        "societies",
        "alternate_titles",
        "abbreviated_title",
        "type",
        "topics",
        "topic_share",
        "x_concepts",
        "counts_by_year",
        "works_api_url",
        "publisher",
        "publisher_id",
        "publisher_lineage",
        "publisher_lineage_names",
        "host_institution_lineage",
        "host_institution_lineage_names",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Source,
    load=lambda qs: qs,
    serialize=serializers.source,
    filters={
        **id_filters(SOURCE_ID),
        "issn_l": text_exact("issn_l"),
        "issn": text_exact("issn_l"),
        "type": text_exact("type"),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    groups={"type": Group(lambda qs: qs, "type")},
    hint=lambda row: row.host_organization_name or None,
    lookup=lambda key: Q(issn_l__iexact=key[5:]) if key.lower().startswith("issn:") else None,
)
