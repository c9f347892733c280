"""The OpenAlex publishers collection: rows, id and name search, sorts."""

from works.models import Publisher

from .. import serializers
from .base import (
    Entity,
    figure_sorts,
    id_filters,
    number,
    own_id,
    words_in,
)

PUBLISHER_ID = own_id("publishers")

PUBLISHERS = Entity(
    name="publishers",
    entity_type="publisher",
    fields=(
        "id",
        "display_name",
        "alternate_titles",
        "hierarchy_level",
        "parent_publisher",
        "lineage",
        "country_codes",
        "homepage_url",
        "image_url",
        "image_thumbnail_url",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "ids",
        "counts_by_year",
        "roles",
        "sources_count",
        "sources_api_url",
        "x_concepts",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Publisher,
    load=lambda qs: qs,
    serialize=serializers.publisher,
    filters={
        **id_filters(PUBLISHER_ID),
        "hierarchy_level": number("hierarchy_level", 32767),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    hint=lambda row: ", ".join(row.country_codes) or None,
)
