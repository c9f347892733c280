"""Read OpenAlex records into plain dataclasses. Pure Python: no Django here.

Inputs: one JSON object, a JSON list, an API page (``{"meta": ..., "results": [...]}``) or JSON
Lines; plain or gzip (recognised by its magic bytes, not its name); files or snapshot folders
(``<entity>/updated_date=*/part_*``). The entity of each record comes from its id prefix.

Schemas drift: a missing field is missing, never an error. What changed over the years and how
it is read here:

- venue: ``primary_location.source`` (2023 on), else the old ``host_venue``, whose ``V…`` ids
  became ``S…`` ids with the same number when venues were renamed sources;
- topics: a work's ``topics`` (2024 on), else its ``primary_topic``, else its old ``concepts``.
  Concepts are kept as topics (with their ``C…`` id) so that older snapshots still give a
  researcher topics, as TRUST.md counts them; only concepts scored at least 0.3 are kept, because
  OpenAlex assigns a concept at 0.3 and lists lower-scored ones only as ancestors of assigned ones;
- an author's ``last_known_institutions`` (list, 2024 on) or ``last_known_institution`` (one);
  ``x_concepts`` and ``topics`` of an author are not read (BZPEER derives them from works);
- ORCID from ``orcid`` or ``ids.orcid``; DOI from ``doi`` or ``ids.doi``;
- abstracts from ``abstract_inverted_index``, also in its early ``{"IndexLength",
  "InvertedIndex"}`` wrapping, else from a plain ``abstract`` that some tools write.

A record that cannot be read (bad JSON, not an object, no id, a field of the wrong type) becomes
a ``ParseError`` with its file and line; reading carries on. Strings are cut to the lengths of
the model fields (a test keeps the two in step), NUL characters and lone surrogates are removed
because PostgreSQL refuses them.

The package: ``records`` (the dataclasses and limits), ``parse`` (one record), ``files``
(reading files and folders) and ``merged_ids`` (merged-id CSVs). The names below are its
public interface: ``from works import openalex; openalex.parse_record(...)``.
"""

from .files import find_input_files, read_file, read_paths
from .merged_ids import MERGED_IDS_COLUMNS, find_merged_ids_files, read_merged_ids
from .parse import (
    clean_text,
    homepage_domain,
    parse_author,
    parse_record,
    parse_work,
    rebuild_abstract,
)
from .records import (
    ABSTRACT_MAX,
    DOMAIN_MAX,
    ID_MAX,
    ISSN_MAX,
    LANGUAGE_MAX,
    NAME_MAX,
    ROR_MAX,
    TAXONOMY_MAX,
    TITLE_MAX,
    TYPE_MAX,
    URL_MAX,
    AuthorRecord,
    AuthorRef,
    AuthorshipRecord,
    InstitutionRecord,
    MergedId,
    Parsed,
    ParseError,
    Record,
    RecordError,
    Skipped,
    SourceRecord,
    TopicRecord,
    WorkRecord,
    WorkTopicRecord,
)

__all__ = [
    "ABSTRACT_MAX",
    "DOMAIN_MAX",
    "ID_MAX",
    "ISSN_MAX",
    "LANGUAGE_MAX",
    "MERGED_IDS_COLUMNS",
    "NAME_MAX",
    "ROR_MAX",
    "TAXONOMY_MAX",
    "TITLE_MAX",
    "TYPE_MAX",
    "URL_MAX",
    "AuthorRecord",
    "AuthorRef",
    "AuthorshipRecord",
    "InstitutionRecord",
    "MergedId",
    "ParseError",
    "Parsed",
    "Record",
    "RecordError",
    "Skipped",
    "SourceRecord",
    "TopicRecord",
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
