"""Every filter OpenAlex documents is answered, or listed as unsupported with its reason.

DOCUMENTED is transcribed from OpenAlex's documentation of each collection's filters
(docs.openalex.org, "Filter works", "Filter authors", ...; attribute and convenience filters,
aliases included). Search filters (`*.search`) are left to the search tests.
"""

import re
from pathlib import Path

import pytest

from works.openalex_api import filters, fulltext
from works.openalex_api.entities import ENTITIES
from works.openalex_api.unsupported import UNSUPPORTED

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openalex-filters.md"


def _words(text: str) -> set[str]:
    return set(text.split())


DOCUMENTED = {
    "works": _words(
        """
        authorships.affiliations.institution_ids authorships.author.id author.id
        authorships.author.orcid author.orcid authorships.countries
        authorships.institutions.country_code institutions.country_code
        authorships.institutions.id institutions.id authorships.institutions.lineage
        authorships.institutions.ror institutions.ror authorships.institutions.type
        authorships.is_corresponding is_corresponding
        apc_list.value apc_list.currency apc_list.provenance apc_list.value_usd
        apc_paid.value apc_paid.currency apc_paid.provenance apc_paid.value_usd
        best_oa_location.is_accepted best_oa_location.is_published best_oa_location.license
        best_oa_location.source.id best_oa_location.source.is_in_doaj best_oa_location.source.issn
        best_oa_location.source.host_organization best_oa_location.source.type
        best_oa_location.version biblio.first_page biblio.issue biblio.last_page biblio.volume
        cited_by_count concepts.id concept.id concepts.wikidata corresponding_author_ids
        corresponding_institution_ids countries_distinct_count doi fulltext_origin
        grants.award_id grants.funder has_fulltext ids.pmcid ids.pmid pmid ids.openalex openalex
        ids.mag mag indexed_in institutions_distinct_count is_paratext is_retracted
        keywords.keyword language locations.is_accepted locations.is_oa locations.is_published
        locations.license locations.source.id locations.source.is_core
        locations.source.is_in_doaj locations.source.issn locations.source.host_organization
        locations.source.type locations.version locations_count
        open_access.any_repository_has_fulltext open_access.is_oa is_oa open_access.oa_status
        oa_status primary_location.is_accepted primary_location.is_oa
        primary_location.is_published primary_location.license primary_location.source.id
        primary_location.source.is_core primary_location.source.is_in_doaj
        primary_location.source.issn primary_location.source.host_organization
        primary_location.source.type primary_location.version primary_topic.id
        primary_topic.domain.id primary_topic.field.id primary_topic.subfield.id
        publication_year publication_date sustainable_development_goals.id topics.id
        topics.domain.id topics.field.id topics.subfield.id type type_crossref
        authors_count authorships.institutions.continent institutions.continent
        authorships.institutions.is_global_south institutions.is_global_south
        best_open_version cited_by cites concepts_count from_created_date
        from_publication_date from_updated_date has_abstract has_doi
        has_oa_accepted_or_published_version has_oa_submitted_version has_orcid has_pmcid
        has_pmid has_ngrams has_references journal locations.source.host_institution_lineage
        locations.source.publisher_lineage primary_location.source.has_issn
        primary_location.source.publisher_lineage related_to repository to_publication_date
        to_updated_date version keywords.id referenced_works referenced_works_count
        best_oa_location.is_oa best_oa_location.source.is_oa locations.source.is_oa
        primary_location.source.is_oa locations.source.has_issn
        locations.source.host_organization_lineage primary_location.source.host_organization_lineage
        best_oa_location.source.host_organization_lineage cited_by_percentile_year.min
        cited_by_percentile_year.max sustainable_development_goals.score fwci
        citation_normalized_percentile.value citation_normalized_percentile.is_in_top_1_percent
        citation_normalized_percentile.is_in_top_10_percent display_name doi_starts_with
        has_pdf_url has_embeddings mag_only has_old_authors ids.doi openalex_id
        locations.landing_page_url primary_location.landing_page_url
        best_oa_location.landing_page_url
        """
    ),
    "authors": _words(
        """
        cited_by_count ids.openalex openalex openalex_id works_count has_orcid orcid
        last_known_institution.country_code last_known_institution.id last_known_institution.ror
        last_known_institution.type last_known_institution.lineage
        last_known_institution.continent last_known_institution.is_global_south
        last_known_institutions.country_code last_known_institutions.id
        last_known_institutions.ror last_known_institutions.type last_known_institutions.lineage
        last_known_institutions.continent last_known_institutions.is_global_south
        affiliations.institution.country_code affiliations.institution.id
        affiliations.institution.lineage affiliations.institution.ror
        affiliations.institution.type summary_stats.2yr_mean_citedness summary_stats.h_index
        summary_stats.i10_index x_concepts.id concepts.id concept.id topics.id scopus
        from_created_date from_updated_date to_updated_date display_name block_key
        """
    ),
    "institutions": _words(
        """
        cited_by_count country_code openalex ids.openalex ror summary_stats.2yr_mean_citedness
        summary_stats.h_index summary_stats.i10_index type works_count x_concepts.id
        concepts.id concept.id continent has_ror is_global_south lineage topics.id
        from_created_date from_updated_date display_name
        """
    ),
    "sources": _words(
        """
        apc_prices.currency apc_prices.price apc_usd cited_by_count country_code
        host_organization host_organization.id host_organization_lineage ids.openalex openalex
        is_in_doaj is_oa issn issn_l publisher summary_stats.2yr_mean_citedness
        summary_stats.h_index summary_stats.i10_index type works_count x_concepts.id concepts.id
        concept.id continent has_issn is_global_south is_core topics.id from_created_date
        from_updated_date display_name
        """
    ),
    "topics": _words(
        "cited_by_count domain.id field.id subfield.id ids.openalex openalex works_count"
    ),
    "concepts": _words(
        """
        ancestors.id cited_by_count ids.openalex openalex level summary_stats.2yr_mean_citedness
        summary_stats.h_index summary_stats.i10_index works_count has_wikidata wikidata
        """
    ),
    "publishers": _words(
        """
        cited_by_count country_codes hierarchy_level ids.openalex openalex ids.ror ids.wikidata
        lineage parent_publisher summary_stats.2yr_mean_citedness summary_stats.h_index
        summary_stats.i10_index works_count
        """
    ),
    "funders": _words(
        """
        cited_by_count country_code continent grants_count ids.openalex openalex ids.ror
        ids.wikidata is_global_south summary_stats.2yr_mean_citedness summary_stats.h_index
        summary_stats.i10_index works_count
        """
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_documented_filter_is_answered_or_listed_with_a_reason(name):
    answered = set(ENTITIES[name].filters) | set(fulltext.filter_keys(name))
    unsupported = set(UNSUPPORTED.get(name, {}))
    assert DOCUMENTED[name] - answered - unsupported == set()
    assert answered & unsupported == set()  # nothing is both


def test_the_users_docs_list_exactly_the_unsupported_filters_and_their_reasons():
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| (.+) \|$", DOCS.read_text(), re.MULTILINE)
    assert {(entity, key, why) for entity, key, why in rows} == {
        (entity, key, why) for entity, keys in UNSUPPORTED.items() for key, why in keys.items()
    }


def test_hyphenated_spellings_of_every_key_reach_the_same_filter(client, db):
    for entity in ENTITIES.values():
        for key in entity.filters:
            hyphenated = key.replace("_", "-").upper()
            assert filters.parse_filter(f"{hyphenated}:x")[0].key == key
    response = client.get("/openalex/works?filter=open-access.is-oa:true,authors-count:>2")
    assert response.status_code == 200, response.content
