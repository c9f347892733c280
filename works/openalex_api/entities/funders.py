"""The OpenAlex funders collection: rows, id and name search, sorts."""

from works.models import Funder

from .. import serializers
from .base import (
    Entity,
    figure_sorts,
    id_filters,
    own_id,
    text_exact,
    words_in,
)

FUNDER_ID = own_id("funders")

FUNDERS = Entity(
    name="funders",
    entity_type="funder",
    fields=(
        "id",
        "display_name",
        "alternate_titles",
        "country_code",
        "description",
        "homepage_url",
        "image_url",
        "image_thumbnail_url",
        "grants_count",
        "awards_count",
        "works_count",
        "cited_by_count",
        "summary_stats",
        "ids",
        "counts_by_year",
        "roles",
        "x_concepts",
        "updated_date",
        "created_date",
        "updated",
        "relevance_score",
    ),
    model=Funder,
    load=lambda qs: qs,
    serialize=serializers.funder,
    filters={
        **id_filters(FUNDER_ID),
        "country_code": text_exact("country_code"),
    },
    search=words_in("display_name"),
    sorts=figure_sorts(),
    hint=lambda row: row.country_code or None,
)
