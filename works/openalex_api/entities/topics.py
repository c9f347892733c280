"""The OpenAlex topics collection: its rows, filters, sorts and groups."""

from works.models import Topic

from .. import serializers
from .base import (
    Entity,
    Group,
    figure_sorts,
    id_filters,
    own_id,
    words_in,
)

TOPIC_ID = own_id("topics")

TOPICS = Entity(
    name="topics",
    entity_type="topic",
    fields=(
        "id",
        "display_name",
        "description",
        "keywords",
        "ids",
        "subfield",
        "field",
        "domain",
        "siblings",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "counts_by_year",
        "works_api_url",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Topic,
    load=lambda qs: qs,
    serialize=serializers.topic,
    filters={
        **id_filters(TOPIC_ID),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    groups={
        "domain.display_name": Group(lambda qs: qs, "domain"),
        "field.display_name": Group(lambda qs: qs, "field"),
        "subfield.display_name": Group(lambda qs: qs, "subfield"),
    },
    hint=lambda row: row.field or None,
)
