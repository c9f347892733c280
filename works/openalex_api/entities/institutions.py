"""The OpenAlex institutions collection: its rows, filters, sorts and groups."""

from django.db.models import Q

from works.models import Institution

from .. import serializers
from .base import (
    Entity,
    Group,
    _lookup_ror,
    figure_sorts,
    id_filters,
    own_id,
    text_exact,
    words_in,
)

INSTITUTION_ID = own_id("institutions")

INSTITUTIONS = Entity(
    name="institutions",
    entity_type="institution",
    fields=(
        "id",
        "ror",
        "display_name",
        "country_code",
        "type",
        "type_id",
        "lineage",
        "homepage_url",
        "image_url",
        "image_thumbnail_url",
        "display_name_acronyms",
        "display_name_alternatives",
        "repositories",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "ids",
        "geo",
        "international",
        "associated_institutions",
        "counts_by_year",
        "roles",
        "topics",
        "topic_share",
        "x_concepts",
        "is_super_system",
        "works_api_url",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Institution,
    load=lambda qs: qs,
    serialize=serializers.institution,
    filters={
        **id_filters(INSTITUTION_ID),
        "ror": lambda text: _lookup_ror("ror:" + text.removeprefix("ror:")) or Q(pk__in=[]),
        "country_code": text_exact("country_code"),
        "type": text_exact("type"),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    groups={
        "country_code": Group(lambda qs: qs, "country_code"),
        "type": Group(lambda qs: qs, "type"),
    },
    hint=lambda row: row.country_code or None,
    external_id=lambda row: f"https://ror.org/{row.ror}" if row.ror else None,
    lookup=_lookup_ror,
)
