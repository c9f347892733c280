"""The filters of authors, institutions, sources, topics, concepts, publishers and funders
beyond ids and names: their figures, dates, affiliations, lineages and identifiers.

Typed columns answer what they hold; the stored record answers the rest (``documents``).
"""

from django.db import connection
from django.db.models import Q

from works.models import ResearcherInstitution

from ..documents import (
    OPENALEX,
    amount,
    doi_url,
    flag,
    issn,
    number_or_text,
    openalex_id,
    prefixed,
    present,
    since,
    term,
    upper,
    where,
)
from .base import FilterBuilder, boolean, invalid, number, text_exact, typed_flag, updated

WIKIDATA = prefixed("https://www.wikidata.org/wiki/", case=str.upper)
ROR = prefixed("https://ror.org/")


def common_filters(*, summary: bool = True, concepts: bool = True) -> dict[str, FilterBuilder]:
    """What every collection answers: figures, summary stats, dates, exact name, concepts."""
    filters = {
        "works_count": number("works_count", 2**62),
        "cited_by_count": number("cited_by_count", 2**62),
        "display_name": text_exact("display_name"),
        "from_updated_date": updated("__gte"),
        "to_updated_date": updated("__lte"),
        "from_created_date": since("created_date"),
        "to_created_date": since("created_date", until=True),
    }
    if summary:
        filters |= {
            "summary_stats.h_index": number("h_index", 2**31 - 1),
            "summary_stats.i10_index": number("i10_index", 2**31 - 1),
            "summary_stats.2yr_mean_citedness": number("two_year_mean_citedness", decimal=True),
        }
    if concepts:
        x_concepts = term("x_concepts[].id", normalize=openalex_id("C"))
        filters |= dict.fromkeys(("x_concepts.id", "concepts.id", "concept.id"), x_concepts)
    return filters


def topic_filters() -> dict[str, FilterBuilder]:
    """Authors, institutions and sources list the topics of their works (2024 on)."""
    topics = term("topics[].id", normalize=openalex_id("T"))
    return {
        "topics.id": topics,
        "topic_share.id": term("topic_share[].id", normalize=openalex_id("T")),
    }


def external_ids(**paths) -> dict[str, FilterBuilder]:
    """`ids.<name>` (and the bare name) for identifiers written as URLs in the record."""
    filters = {}
    for name, normalize in paths.items():
        filters[f"ids.{name}"] = filters[name] = term(f"ids.{name}", normalize=normalize)
    return filters


# --- Authors: where they are and were -----------------------------------------------------


def _researchers(condition: Q) -> Q:
    return Q(pk__in=ResearcherInstitution.objects.filter(condition).values("researcher_id"))


def affiliated(column: str, *, last_known: bool = False, normalize=str) -> FilterBuilder:
    """An institution the author is known at (every affiliation, or the last known ones)."""

    def build(text):
        value = normalize(text.strip().rstrip("/").rsplit("/", 1)[-1])
        if column == "id":
            short = value.upper()
            if short[:1] != "I" or not short[1:].isdigit():
                raise invalid("institution.id", text, "not an id of institutions")
            condition = Q(institution__openalex_id=short)
        else:
            condition = Q(**{f"institution__{column}__iexact": value})
        return _researchers(condition & Q(last_known=True) if last_known else condition)

    return build


def _scopus(text: str) -> Q:
    digits = text.strip().rsplit("=", 1)[-1]
    if not digits.isdigit() or len(digits) > 20:
        raise invalid("scopus", text, "expects a Scopus author id (digits)")
    return where(f'$.ids.scopus like_regex "authorID={digits}(&|$)"', "ids.scopus")


def _author_filters() -> dict[str, FilterBuilder]:
    filters = {}
    for prefix, last_known, lineage_paths in (
        ("affiliations.institution", False, ("affiliations[].institution.lineage[]",)),
        (
            "last_known_institutions",
            True,
            ("last_known_institutions[].lineage[]", "last_known_institution.lineage[]"),
        ),
        (
            "last_known_institution",
            True,
            ("last_known_institutions[].lineage[]", "last_known_institution.lineage[]"),
        ),
    ):
        filters |= {
            f"{prefix}.id": affiliated("id", last_known=last_known),
            f"{prefix}.ror": affiliated("ror", last_known=last_known, normalize=str.lower),
            f"{prefix}.country_code": affiliated("country_code", last_known=last_known),
            f"{prefix}.type": affiliated("type", last_known=last_known),
            f"{prefix}.lineage": term(*lineage_paths, normalize=openalex_id("I")),
        }
    return filters


AUTHOR_FILTERS = {
    **common_filters(),
    **topic_filters(),
    **_author_filters(),
    "scopus": _scopus,
    "ids.scopus": _scopus,
}

# --- Institutions, sources, topics, concepts, publishers, funders ------------------------


def _typed_json_list(column: str, path: str, normalize) -> FilterBuilder:
    """A list the typed row holds (`issn`, `country_codes`): jsonb containment on PostgreSQL,
    the stored record's list elsewhere would be no better, so SQLite gets a 400 there."""

    def build(text):
        values = normalize(text)
        if connection.vendor != "postgresql":
            return term(path, normalize=normalize)(text)  # says it needs PostgreSQL
        return Q(**{f"{column}__contains": values[:1]})

    return build


INSTITUTION_FILTERS = {
    **common_filters(),
    **topic_filters(),
    **external_ids(ror=ROR, wikidata=WIKIDATA, mag=number_or_text),
    "lineage": term("lineage[]", normalize=openalex_id("I")),
    "has_ror": boolean(~Q(ror="")),
    "is_super_system": flag("is_super_system"),
    "repositories.id": term("repositories[].id", normalize=openalex_id("S")),
    "associated_institutions.id": term("associated_institutions[].id", normalize=openalex_id("I")),
    "roles.id": term("roles[].id", normalize=openalex_id("I", "P", "F")),
    "geo.city": term("geo.city"),
    "geo.region": term("geo.region"),
}


def _host(text: str) -> Q:
    short = text.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    if short[:1] not in "PI" or not short[1:].isdigit():
        raise invalid("host_organization", text, "not a publisher or institution id")
    return Q(host_organization__iexact=short)


SOURCE_FILTERS = {
    **common_filters(),
    **topic_filters(),
    **external_ids(wikidata=WIKIDATA, fatcat=lambda text: [text], mag=number_or_text),
    "issn": lambda text: (
        Q(issn_l__iexact=issn(text)[0]) | _typed_json_list("issn", "issn[]", issn)(text)
    ),
    "has_issn": boolean(~Q(issn=[])),
    "is_oa": typed_flag("is_oa"),
    "is_in_doaj": typed_flag("is_in_doaj"),
    "is_core": flag("is_core"),
    "is_indexed_in_scopus": flag("is_indexed_in_scopus"),
    "country_code": text_exact("country_code"),
    "publisher": text_exact("host_organization_name"),
    "host_organization": _host,
    "host_organization.id": _host,
    "host_organization_lineage": term(
        "host_organization_lineage[]", normalize=openalex_id("P", "I")
    ),
    "host_organization_lineage.id": term(
        "host_organization_lineage[]", normalize=openalex_id("P", "I")
    ),
    "publisher_lineage": term("host_organization_lineage[]", normalize=openalex_id("P")),
    "apc_usd": amount("apc_usd"),
    "apc_prices.price": amount("apc_prices[].price"),
    "apc_prices.currency": term("apc_prices[].currency", normalize=upper),
}

TOPIC_FILTERS = {
    **common_filters(summary=False, concepts=False),
    **external_ids(wikipedia=lambda text: [text]),
    "domain.id": term("domain.id", normalize=prefixed(OPENALEX + "domains/")),
    "field.id": term("field.id", normalize=prefixed(OPENALEX + "fields/")),
    "subfield.id": term("subfield.id", normalize=prefixed(OPENALEX + "subfields/")),
    "siblings.id": term("siblings[].id", normalize=openalex_id("T")),
}

CONCEPT_FILTERS = {
    **common_filters(concepts=False),
    **external_ids(wikidata=WIKIDATA, mag=number_or_text),
    "ancestors.id": term("ancestors[].id", normalize=openalex_id("C")),
    "related_concepts.id": term("related_concepts[].id", normalize=openalex_id("C")),
    "wikidata": lambda text: Q(wikidata__iexact=WIKIDATA(text)[0]),
    "wikidata_id": lambda text: Q(wikidata__iexact=WIKIDATA(text)[0]),
    "has_wikidata": boolean(~Q(wikidata="")),
}

PUBLISHER_FILTERS = {
    **common_filters(),
    **external_ids(ror=ROR, wikidata=WIKIDATA),
    "country_codes": _typed_json_list("country_codes", "country_codes[]", upper),
    "lineage": term("lineage[]", normalize=openalex_id("P")),
    "parent_publisher": term("parent_publisher", "parent_publisher.id", normalize=openalex_id("P")),
    "parent_publisher.id": term(
        "parent_publisher", "parent_publisher.id", normalize=openalex_id("P")
    ),
    "roles.id": term("roles[].id", normalize=openalex_id("I", "P", "F")),
    "sources_count": amount("sources_count"),
}

FUNDER_FILTERS = {
    **common_filters(),
    **external_ids(
        ror=ROR,
        wikidata=WIKIDATA,
        crossref=lambda text: [text.strip()],
        doi=doi_url,
    ),
    "grants_count": amount("grants_count"),
    "awards_count": amount("awards_count"),
    "roles.id": term("roles[].id", normalize=openalex_id("I", "P", "F")),
    "has_ror": present("ids.ror"),
}
