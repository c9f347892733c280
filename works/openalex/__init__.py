"""Read OpenAlex records into plain dataclasses, faithfully. Pure Python: no Django here.

Inputs: one JSON object, a JSON list, an API page (``{"meta": ..., "results": [...]}``) or JSON
Lines; plain or gzip (recognised by its magic bytes, not its name); files or snapshot folders
(``<entity>/updated_date=*/part_*``). The entity of each record comes from its id prefix:
works, authors, institutions, sources, topics, concepts, publishers and funders.

Faithful: each record's own document rides along whole (``record``, cleaned only of what
PostgreSQL refuses), with its ``updated_date``; the typed fields BZPEER queries are read
liberally. A record is rejected (a ``ParseError`` with its file and line) only when it is not a
JSON object or has no usable OpenAlex id; any other field that cannot be read is a
``FieldWarning`` on the ``Parsed`` record and is left empty. Numbers written as strings are
numbers, ``null`` lists and objects are empty.

Schemas drift; what changed over the years and how it is read here:

- venue: ``primary_location.source`` (2023 on), else the old ``host_venue``, whose ``V…`` ids
  became ``S…`` ids with the same number when venues were renamed sources; the landing page
  from ``primary_location.landing_page_url``, else ``host_venue.url``;
- topics (``T…``, 2024 on, else ``primary_topic``) and concepts (``C…``, every era) are read
  apart: concepts stay concepts, with every score as given;
- an author's institutions: ``affiliations`` with their years (2023 on), and the last known
  ones, ``last_known_institutions`` (list, 2024 on) or ``last_known_institution`` (one);
- an authorship's raw affiliations: ``raw_affiliation_strings`` (list), else the older
  ``raw_affiliation_string``; the null author ``A9999999999`` is an unlinked byline;
- ORCID from ``orcid`` or ``ids.orcid``; DOI from ``doi`` or ``ids.doi``; the date of a
  record from ``updated_date``, else ``updated``;
- abstracts from ``abstract_inverted_index``, also in its early ``{"IndexLength",
  "InvertedIndex"}`` wrapping, else from a plain ``abstract`` that some tools write.

Typed strings are cut to the lengths of the model fields (a test keeps the two in step), URLs
are kept only when http(s) and names and titles lose bidi controls (``bzpeer.safety``), each
such change a warning.

The package: ``records`` (the dataclasses and limits), ``values`` (forgiving field access and
document cleaning), ``parse`` (one record), ``files`` (reading files and folders) and
``merged_ids`` (merged-id CSVs). The names below are its public interface.
"""

from .files import find_input_files, read_file, read_paths
from .merged_ids import MERGED_IDS_COLUMNS, find_merged_ids_files, read_merged_ids
from .parse import NULL_AUTHOR, parse_author, parse_record, parse_work, rebuild_abstract
from .records import (
    ABSTRACT_MAX,
    DOMAIN_MAX,
    ID_MAX,
    ISSN_MAX,
    LANGUAGE_MAX,
    LONG_URL_MAX,
    NAME_MAX,
    OA_STATUS_MAX,
    ROR_MAX,
    TAXONOMY_MAX,
    TITLE_MAX,
    TYPE_MAX,
    URL_MAX,
    WIKIDATA_MAX,
    AffiliationRecord,
    AuthorRecord,
    AuthorRef,
    AuthorshipRecord,
    ConceptRecord,
    FieldWarning,
    Figures,
    FunderRecord,
    InstitutionRecord,
    MergedId,
    Parsed,
    ParseError,
    PublisherRecord,
    Record,
    RecordError,
    Skipped,
    SourceRecord,
    TopicRecord,
    WorkConceptRecord,
    WorkRecord,
    WorkTopicRecord,
)
from .values import clean_text, homepage_domain

__all__ = [
    "ABSTRACT_MAX",
    "DOMAIN_MAX",
    "ID_MAX",
    "ISSN_MAX",
    "LANGUAGE_MAX",
    "LONG_URL_MAX",
    "MERGED_IDS_COLUMNS",
    "NAME_MAX",
    "NULL_AUTHOR",
    "OA_STATUS_MAX",
    "ROR_MAX",
    "TAXONOMY_MAX",
    "TITLE_MAX",
    "TYPE_MAX",
    "URL_MAX",
    "WIKIDATA_MAX",
    "AffiliationRecord",
    "AuthorRecord",
    "AuthorRef",
    "AuthorshipRecord",
    "ConceptRecord",
    "FieldWarning",
    "Figures",
    "FunderRecord",
    "InstitutionRecord",
    "MergedId",
    "ParseError",
    "Parsed",
    "PublisherRecord",
    "Record",
    "RecordError",
    "Skipped",
    "SourceRecord",
    "TopicRecord",
    "WorkConceptRecord",
    "WorkRecord",
    "WorkTopicRecord",
    "clean_text",
    "find_input_files",
    "find_merged_ids_files",
    "homepage_domain",
    "parse_author",
    "parse_record",
    "parse_work",
    "read_file",
    "read_merged_ids",
    "read_paths",
    "rebuild_abstract",
]
