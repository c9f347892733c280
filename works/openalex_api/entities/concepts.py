"""The OpenAlex concepts collection (the older taxonomy): rows, id and name search, sorts."""

from works.models import Concept

from .. import serializers
from .base import (
    Entity,
    figure_sorts,
    id_filters,
    number,
    own_id,
    words_in,
)

CONCEPT_ID = own_id("concepts")

CONCEPTS = Entity(
    name="concepts",
    entity_type="concept",
    fields=(
        "id",
        "wikidata",
        "display_name",
        "level",
        "description",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "ids",
        "image_url",
        "image_thumbnail_url",
        "international",
        "ancestors",
        "related_concepts",
        "counts_by_year",
        "works_api_url",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Concept,
    load=lambda qs: qs,
    serialize=serializers.concept,
    filters={
        **id_filters(CONCEPT_ID),
        "level": number("level", 32767),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    autocomplete_order=("display_name", "pk"),
    hint=lambda row: f"level {row.level}" if row.level is not None else None,
    external_id=lambda row: row.wikidata or None,
)
