"""The OpenAlex sources collection: its rows, filters, sorts and groups."""

from django.db.models import Q

from works.models import Source

from .. import serializers
from .base import (
    Entity,
    Group,
    Sort,
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
        "display_name",
        "issn_l",
        "issn",
        "type",
        "host_organization_name",
        "ids",
        "works_api_url",
        "updated_date",
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
        "display_name.search": words_in("display_name"),
        "default.search": words_in("display_name"),
    },
    search=words_in("display_name"),
    relevance_fields=("display_name",),
    sorts={"display_name": Sort("display_name")},
    groups={"type": Group(lambda qs: qs, "type")},
    hint=lambda row: row.host_organization_name or None,
    lookup=lambda key: Q(issn_l__iexact=key[5:]) if key.lower().startswith("issn:") else None,
)
