"""The OpenAlex authors (researchers) collection: its rows, filters, sorts and groups."""

from django.db import models
from django.db.models import Q

from works.models import Researcher
from works.models.researchers import LIVE

from .. import serializers
from .base import (
    Entity,
    Group,
    Sort,
    _affiliations,
    _lookup_orcid,
    boolean,
    id_filters,
    load_authors,
    number,
    orcid,
    own_id,
    related_id,
    researcher_search,
)

AUTHOR_ID = own_id("authors")
# Root-level fields (for `select`): OpenAlex's author object across its schema eras.
AUTHOR_FIELDS = (
    "id",
    "orcid",
    "display_name",
    "display_name_alternatives",
    "works_count",
    "cited_by_count",
    "summary_stats",
    "ids",
    "affiliations",
    "last_known_institutions",
    "last_known_institution",
    "topics",
    "topic_share",
    "x_concepts",
    "counts_by_year",
    "most_cited_work",
    "works_api_url",
    "updated_date",
    "created_date",
    "updated",
    "relevance_score",
)
INSTITUTION_OF_AUTHOR = related_id("institutions", _affiliations, "institution", "researcher_id")


def _last_known():
    return _affiliations().filter(last_known=True)


LAST_KNOWN_OF_AUTHOR = related_id("institutions", _last_known, "institution", "researcher_id")

AUTHORS = Entity(
    name="authors",
    entity_type="author",
    fields=AUTHOR_FIELDS,
    model=Researcher,
    listed=LIVE,
    load=load_authors,
    serialize=serializers.author,
    filters={
        **id_filters(AUTHOR_ID),
        "orcid": orcid("orcid"),
        "ids.orcid": orcid("orcid"),
        "has_orcid": boolean(~Q(orcid="")),
        "works_count": number("works_count"),
        "cited_by_count": number("cited_by_count", 2**62),
        "last_known_institutions.id": LAST_KNOWN_OF_AUTHOR,
        "last_known_institution.id": LAST_KNOWN_OF_AUTHOR,
        "affiliations.institution.id": INSTITUTION_OF_AUTHOR,
    },
    search=researcher_search,
    sorts={
        "display_name": Sort("display_name"),
        "works_count": Sort("works_count"),
        "cited_by_count": Sort("cited_by_count"),
    },
    groups={
        "last_known_institutions.id": Group(
            lambda qs: _last_known().filter(researcher__in=qs.values("pk")),
            "institution_id",
            "institution__display_name",
            count="researcher_id",
            entity="institutions",
            openalex="institution__openalex_id",
        ),
        "last_known_institutions.country_code": Group(
            lambda qs: _last_known().filter(researcher__in=qs.values("pk")),
            "institution__country_code",
            count="researcher_id",
        ),
        "has_orcid": Group(
            lambda qs: qs.annotate(
                has_orcid=models.Case(
                    models.When(orcid="", then=models.Value("false")),
                    default=models.Value("true"),
                )
            ),
            "has_orcid",
        ),
    },
    autocomplete_order=("-works_count", "pk"),
    hint=lambda row: ", ".join(i.display_name for i in row.current_institutions) or None,
    external_id=lambda row: row.orcid_url or None,
    lookup=_lookup_orcid,
)
