"""The OpenAlex institutions collection: its rows, filters, sorts and groups."""

from django.db.models import Q

from works.models import Institution

from .. import serializers
from .base import (
    Entity,
    Group,
    Sort,
    _lookup_ror,
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
        "display_name",
        "ror",
        "country_code",
        "type",
        "homepage_url",
        "ids",
        "works_api_url",
        "updated_date",
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
        "display_name.search": words_in("display_name"),
        "default.search": words_in("display_name"),
    },
    search=words_in("display_name"),
    relevance_fields=("display_name",),
    sorts={"display_name": Sort("display_name")},
    groups={
        "country_code": Group(lambda qs: qs, "country_code"),
        "type": Group(lambda qs: qs, "type"),
    },
    hint=lambda row: row.country_code or None,
    external_id=lambda row: f"https://ror.org/{row.ror}" if row.ror else None,
    lookup=_lookup_ror,
)
