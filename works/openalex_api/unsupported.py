"""OpenAlex's documented filters BZPEER does not answer, each with its reason.

A request naming one gets a 400 that gives the reason; docs/openalex-filters.md lists the same
table for users (a test keeps the two equal, and checks that none of these is also answered).
"""

NO_FULLTEXT = "BZPEER holds no full texts: OpenAlex's n-grams and PDFs are not in its records"
NO_CONTINENTS = (
    "needs a country-to-continent table, which BZPEER does not hold; filter by country_code instead"
)
NO_GLOBAL_SOUTH = (
    "needs OpenAlex's list of Global South countries, which its records do not carry; "
    "filter by country_code instead"
)
DEPRECATED = "deprecated by OpenAlex, which refuses it too; use primary_location or locations"
INTERNAL = "an internal field of OpenAlex's search index, not part of its records"

UNSUPPORTED: dict[str, dict[str, str]] = {
    "works": {
        "fulltext.search": NO_FULLTEXT,
        "has_ngrams": NO_FULLTEXT,
        "has_embeddings": "BZPEER holds no embeddings of works",
        "authorships.institutions.continent": NO_CONTINENTS,
        "institutions.continent": NO_CONTINENTS,
        "authorships.institutions.is_global_south": NO_GLOBAL_SOUTH,
        "institutions.is_global_south": NO_GLOBAL_SOUTH,
        "host_venue.id": DEPRECATED,
        "host_venue.issn": DEPRECATED,
        "alternate_host_venues.id": DEPRECATED,
        "has_old_authors": INTERNAL,
        "mag_only": INTERNAL,
    },
    "authors": {
        "last_known_institution.continent": NO_CONTINENTS,
        "last_known_institutions.continent": NO_CONTINENTS,
        "affiliations.institution.continent": NO_CONTINENTS,
        "last_known_institution.is_global_south": NO_GLOBAL_SOUTH,
        "last_known_institutions.is_global_south": NO_GLOBAL_SOUTH,
        "block_key": INTERNAL,
        "parsed_longest_name.first": INTERNAL,
        "parsed_longest_name.last": INTERNAL,
    },
    "institutions": {
        "continent": NO_CONTINENTS,
        "is_global_south": NO_GLOBAL_SOUTH,
    },
    "sources": {
        "continent": NO_CONTINENTS,
        "is_global_south": NO_GLOBAL_SOUTH,
    },
    "funders": {
        "continent": NO_CONTINENTS,
        "is_global_south": NO_GLOBAL_SOUTH,
    },
}
