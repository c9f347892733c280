"""The filters of the works collection beyond ids and names: open access, locations, the
citation graph, bylines, dates, counts and the rest of OpenAlex's documented works filters.

Typed columns answer what they hold for every work (open access, retraction, bylines, dates);
the stored record answers the rest (``documents``). Keys are OpenAlex's, aliases included.
"""

from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from works.models import Authorship, AuthorshipInstitution, OpenAlexRecord
from works.queries import citing_works_filter

from .. import ids
from ..documents import (
    OPENALEX,
    amount,
    camel,
    contains,
    flag,
    issn,
    lower,
    matching,
    nest,
    number_or_text,
    openalex_id,
    prefixed,
    present,
    require_postgres,
    since,
    term,
    upper,
)
from .base import boolean, invalid, number, text_exact, typed_flag, updated

VERSION = camel("publishedVersion", "acceptedVersion", "submittedVersion")
SOURCE_ID = openalex_id("S")
HOST = openalex_id("P", "I")


def _works_of_authorships(condition: Q) -> Q:
    return Q(pk__in=Authorship.objects.filter(condition).values("work_id"))


def _works_of_institutions(condition: Q) -> Q:
    links = AuthorshipInstitution.objects.filter(condition)
    return Q(pk__in=links.values("authorship__work_id"))


def byline_institution(column: str, normalize):
    """`authorships.institutions.<column>`: any institution of any byline entry, as the work's
    own record gives it (an institution's type or country may differ between records and
    years); works without a stored record answer from the typed tables."""

    def build(text):
        try:
            (value,) = normalize(text)
        except ValueError as exc:
            raise invalid(f"authorships.institutions.{column}", text, str(exc)) from None
        stored = OpenAlexRecord.objects.filter(
            openalex_id=OuterRef("authorship__work__openalex_id")
        )
        typed = AuthorshipInstitution.objects.filter(
            ~Exists(stored), **{f"institution__{column}__iexact": value.rsplit("/", 1)[-1]}
        )
        in_record = nest(f"authorships[].institutions[].{column}", value)
        return Q(pk__in=typed.values("authorship__work_id")) | matching(contains(in_record))

    return build


def byline_country(text: str) -> Q:
    return _works_of_authorships(Q(countries__contains=[text.strip().upper()]))


def corresponding(text: str) -> Q:
    return boolean(_works_of_authorships(Q(is_corresponding=True)))(text)


def has_orcid(text: str) -> Q:
    return boolean(_works_of_authorships(~Q(researcher__orcid="") & Q(researcher__isnull=False)))(
        text
    )


def _work_id(key: str, text: str):
    parsed = ids.parse_id("works", text)
    if parsed is None:
        raise invalid(key, text, "not an id of works")
    return parsed


def cites(text: str) -> Q:
    """Works whose references name this work (the GIN index of migration 0004)."""
    kind, value = _work_id("cites", text)
    if kind != "openalex_id":
        return Q(pk__in=[])  # a work made in BZPEER is in no OpenAlex reference list
    # The work pages' own query: containment on PostgreSQL, a text match on SQLite.
    return Q(pk__in=citing_works_filter(SimpleNamespace(openalex_id=value)).values("pk"))


def cited_by(text: str) -> Q:
    """Works this work's references name: its outgoing citations."""
    kind, value = _work_id("cited_by", text)
    require_postgres("cited_by")
    column = "openalex_id" if kind == "openalex_id" else "id"
    refs = RawSQL(
        f"SELECT jsonb_array_elements_text(referenced_works) FROM works_work WHERE {column} = %s",
        [value],
    )
    return Q(openalex_id__in=refs)


def related_to(text: str) -> Q:
    """Works in this work's `related_works` (as its stored record lists them)."""
    kind, value = _work_id("related_to", text)
    require_postgres("related_to")
    if kind != "openalex_id":
        return Q(pk__in=[])
    related = RawSQL(
        "SELECT replace(jsonb_array_elements_text(record -> 'related_works'), %s, '') "
        "FROM works_openalexrecord WHERE openalex_id = %s",
        [OPENALEX, value],
    )
    return Q(openalex_id__in=related)


def best_open_version(text: str) -> Q:
    versions = {
        "any": ("submittedVersion", "acceptedVersion", "publishedVersion"),
        "acceptedorpublished": ("acceptedVersion", "publishedVersion"),
        "published": ("publishedVersion",),
    }.get(text.lower())
    if versions is None:
        raise invalid("best_open_version", text, "expects any, acceptedOrPublished or published")
    objects = [nest("best_oa_location.version", v) for v in versions]
    return matching(contains(*objects), "best_open_version")


def open_copy(*versions: str):
    """`has_oa_…_version`: a location that is open access holds one of these versions."""

    def build(text):
        objects = [{"locations": [{"is_oa": True, "version": v}]} for v in versions]
        return boolean(matching(contains(*objects), "locations.version"))(text)

    return build


def _location(prefix: str, paths: tuple[str, ...]) -> dict:
    """Filters of one kind of location: `primary_location`, `best_oa_location`, `locations`."""

    def at(field: str) -> tuple[str, ...]:
        return tuple(f"{path}.{field}" for path in paths)

    lineage = at("source.host_organization_lineage[]")
    return {
        f"{prefix}.is_oa": flag(*at("is_oa")),
        f"{prefix}.is_accepted": flag(*at("is_accepted")),
        f"{prefix}.is_published": flag(*at("is_published")),
        f"{prefix}.license": term(*at("license"), normalize=lower),
        f"{prefix}.license_id": term(*at("license_id"), normalize=prefixed(OPENALEX + "licenses/")),
        f"{prefix}.version": term(*at("version"), normalize=VERSION),
        f"{prefix}.landing_page_url": term(*at("landing_page_url")),
        f"{prefix}.source.id": term(*at("source.id"), normalize=SOURCE_ID),
        f"{prefix}.source.issn": term(*at("source.issn[]"), normalize=issn),
        f"{prefix}.source.is_oa": flag(*at("source.is_oa")),
        f"{prefix}.source.is_in_doaj": flag(*at("source.is_in_doaj")),
        f"{prefix}.source.is_core": flag(*at("source.is_core")),
        f"{prefix}.source.type": term(*at("source.type"), normalize=lower),
        f"{prefix}.source.has_issn": present(*at("source.issn")),
        f"{prefix}.source.host_organization": term(*at("source.host_organization"), normalize=HOST),
        f"{prefix}.source.host_organization_lineage": term(*lineage, normalize=HOST),
        f"{prefix}.source.publisher_lineage": term(*lineage, normalize=openalex_id("P")),
        f"{prefix}.source.host_institution_lineage": term(*lineage, normalize=openalex_id("I")),
    }


def _topic_levels(prefix: str, path: str) -> dict:
    return {
        f"{prefix}.domain.id": term(f"{path}.domain.id", normalize=prefixed(OPENALEX + "domains/")),
        f"{prefix}.field.id": term(f"{path}.field.id", normalize=prefixed(OPENALEX + "fields/")),
        f"{prefix}.subfield.id": term(
            f"{path}.subfield.id", normalize=prefixed(OPENALEX + "subfields/")
        ),
    }


def _aliases(filters: dict, **aliases: str) -> dict:
    """Add OpenAlex's short names (`institutions.ror` for `authorships.institutions.ror`)."""
    return filters | {alias.replace("__", "."): filters[key] for alias, key in aliases.items()}


def pmcid(text: str) -> list[str]:
    """OpenAlex has written PMC ids with and without `PMC` (and a trailing slash)."""
    tail = text.strip().rstrip("/").rsplit("/", 1)[-1].upper().removeprefix("PMC")
    if not tail.isdigit():
        raise ValueError("not a PubMed Central id")
    base = "https://www.ncbi.nlm.nih.gov/pmc/articles/"
    return [f"{base}{form}{tail}{end}" for form in ("PMC", "") for end in ("", "/")]


def _doi_starts_with(text: str) -> Q:
    return Q(doi__startswith=text.lower().removeprefix("https://doi.org/"))


BYLINE = {
    "authorships.institutions.ror": byline_institution("ror", prefixed("https://ror.org/")),
    "authorships.institutions.country_code": byline_institution("country_code", upper),
    "authorships.institutions.type": byline_institution("type", lower),
    "authorships.institutions.lineage": term(
        "authorships[].institutions[].lineage[]", normalize=openalex_id("I")
    ),
    "authorships.affiliations.institution_ids": term(
        "authorships[].affiliations[].institution_ids[]", normalize=openalex_id("I")
    ),
    "authorships.countries": byline_country,
    "authorships.is_corresponding": corresponding,
    "corresponding_author_ids": term("corresponding_author_ids[]", normalize=openalex_id("A")),
    "corresponding_institution_ids": term(
        "corresponding_institution_ids[]", normalize=openalex_id("I")
    ),
    "authors_count": number("authors_count"),
    "has_orcid": has_orcid,
}

WORK_FILTERS = {
    # Open access: the typed columns hold the record's `open_access`.
    "is_oa": typed_flag("is_oa"),
    "open_access.is_oa": typed_flag("is_oa"),
    "oa_status": text_exact("oa_status"),
    "open_access.oa_status": text_exact("oa_status"),
    "open_access.any_repository_has_fulltext": flag("open_access.any_repository_has_fulltext"),
    "has_fulltext": flag("has_fulltext"),
    "fulltext_origin": term("fulltext_origin", normalize=lower),
    "best_open_version": best_open_version,
    "version": term("locations[].version", normalize=VERSION),
    "has_oa_accepted_or_published_version": open_copy("acceptedVersion", "publishedVersion"),
    "has_oa_submitted_version": open_copy("submittedVersion"),
    "repository": term("locations[].source.id", normalize=SOURCE_ID),
    "has_pdf_url": present("locations[].pdf_url"),
    **_location("primary_location", ("primary_location", "host_venue")),
    **_location("best_oa_location", ("best_oa_location",)),
    **_location("locations", ("locations[]",)),
    # The citation graph.
    "cites": cites,
    "referenced_works": cites,
    "cited_by": cited_by,
    "related_to": related_to,
    "has_references": boolean(~Q(referenced_works=[])),
    "referenced_works_count": amount("referenced_works_count"),
    # Dates: publication dates are typed; created dates are the record's own.
    "from_updated_date": updated("__gte"),
    "to_updated_date": updated("__lte"),
    "from_created_date": since("created_date"),
    "to_created_date": since("created_date", until=True),
    # Bylines.
    **_aliases(
        BYLINE,
        institutions__ror="authorships.institutions.ror",
        institutions__country_code="authorships.institutions.country_code",
        institutions__type="authorships.institutions.type",
        institutions__lineage="authorships.institutions.lineage",
        is_corresponding="authorships.is_corresponding",
    ),
    # Identifiers.
    "ids.pmid": term("ids.pmid", normalize=prefixed("https://pubmed.ncbi.nlm.nih.gov/", case=str)),
    "pmid": term("ids.pmid", normalize=prefixed("https://pubmed.ncbi.nlm.nih.gov/", case=str)),
    "ids.pmcid": term("ids.pmcid", normalize=pmcid),
    "pmcid": term("ids.pmcid", normalize=pmcid),
    "ids.mag": term("ids.mag", normalize=number_or_text),
    "mag": term("ids.mag", normalize=number_or_text),
    "has_pmid": present("ids.pmid"),
    "has_pmcid": present("ids.pmcid"),
    "doi_starts_with": _doi_starts_with,
    # What the work is about.
    "concepts.wikidata": term(
        "concepts[].wikidata", normalize=prefixed("https://www.wikidata.org/wiki/", case=str.upper)
    ),
    "concepts_count": amount("concepts_count"),
    "primary_topic.id": term("primary_topic.id", normalize=openalex_id("T")),
    **_topic_levels("primary_topic", "primary_topic"),
    **_topic_levels("topics", "topics[]"),
    "keywords.id": term("keywords[].id", normalize=prefixed(OPENALEX + "keywords/")),
    "keywords.keyword": term("keywords[].display_name", "keywords[].keyword"),
    "sustainable_development_goals.id": term(
        "sustainable_development_goals[].id", normalize=prefixed("https://metadata.un.org/sdg/")
    ),
    "sustainable_development_goals.score": amount(
        "sustainable_development_goals[].score", decimal=True
    ),
    # Money, funding and figures of the record.
    **{
        f"{charge}.{field}": amount(f"{charge}.{field}")
        for charge in ("apc_list", "apc_paid")
        for field in ("value", "value_usd")
    },
    **{
        f"{charge}.{field}": term(f"{charge}.{field}", normalize=normalize)
        for charge in ("apc_list", "apc_paid")
        for field, normalize in (("currency", upper), ("provenance", lower))
    },
    "grants.funder": term("grants[].funder", normalize=openalex_id("F")),
    "grants.award_id": term("grants[].award_id"),
    "funders.id": term("funders[].id", normalize=openalex_id("F")),
    "awards.funder_id": term("awards[].funder_id", normalize=openalex_id("F")),
    "awards.funder_award_id": term("awards[].funder_award_id"),
    "fwci": amount("fwci", decimal=True),
    "citation_normalized_percentile.value": amount(
        "citation_normalized_percentile.value", decimal=True
    ),
    "citation_normalized_percentile.is_in_top_1_percent": flag(
        "citation_normalized_percentile.is_in_top_1_percent"
    ),
    "citation_normalized_percentile.is_in_top_10_percent": flag(
        "citation_normalized_percentile.is_in_top_10_percent"
    ),
    "cited_by_percentile_year.min": amount("cited_by_percentile_year.min"),
    "cited_by_percentile_year.max": amount("cited_by_percentile_year.max"),
    "countries_distinct_count": amount("countries_distinct_count"),
    "institutions_distinct_count": amount("institutions_distinct_count"),
    "locations_count": amount("locations_count"),
    "biblio.volume": term("biblio.volume"),
    "biblio.issue": term("biblio.issue"),
    "biblio.first_page": term("biblio.first_page"),
    "biblio.last_page": term("biblio.last_page"),
    # The kind of record.
    "is_retracted": typed_flag("is_retracted"),
    "is_paratext": flag("is_paratext"),
    "is_xpac": flag("is_xpac"),
    "type_crossref": term("type_crossref", normalize=lower),
    "indexed_in": term("indexed_in[]", normalize=lower),
    "display_name": text_exact("title"),
}
