"""The OpenAlex record parser: pure functions, no database."""

import datetime as dt
import gzip
import json

import pytest

from works import identifiers, openalex
from works.models import (
    Authorship,
    Concept,
    Funder,
    Institution,
    Publisher,
    Researcher,
    Source,
    Topic,
    Work,
)


def records(path):
    return [item for item in openalex.read_file(path) if isinstance(item, openalex.Parsed)]


def errors(path):
    return [item for item in openalex.read_file(path) if isinstance(item, openalex.ParseError)]


def write_lines(path, *lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- Values -------------------------------------------------------------------------------


def test_abstract_is_rebuilt_in_word_order():
    index = {"world": [1, 3], "Hello": [0], "again,": [2], "<b>bold</b>": [4]}
    assert openalex.rebuild_abstract(index) == "Hello world again, world <b>bold</b>"


def test_abstract_in_the_early_wrapped_form_is_rebuilt():
    index = {"IndexLength": 3, "InvertedIndex": {"b": [1], "a": [0], "c": [2]}}
    assert openalex.rebuild_abstract(index) == "a b c"


def test_abstract_with_a_hostile_position_costs_nothing():
    assert openalex.rebuild_abstract({"late": [10**15], "early": [0]}) == "early late"


def test_abstract_words_of_the_wrong_type_are_left_out_with_a_warning():
    warnings = []
    work = openalex.parse_record(
        {"id": "W1", "abstract_inverted_index": {"word": "0", "kept": [0]}}, warnings
    )
    assert work.abstract == "kept"
    assert [w.field for w in warnings] == ["abstract_inverted_index"]


def test_text_is_cut_and_made_safe_for_postgres():
    assert openalex.clean_text("a\x00b", 10) == "ab"
    assert openalex.clean_text("x" * 10_000, 500) == "x" * 500
    assert openalex.clean_text("bad \ud800 surrogate", 100) == "bad ? surrogate"
    assert openalex.clean_text(42, 10) == ""


@pytest.mark.parametrize(
    ("limit", "model", "field"),
    [
        (openalex.ID_MAX, Work, "openalex_id"),
        (openalex.NAME_MAX, Researcher, "display_name"),
        (openalex.NAME_MAX, Institution, "display_name"),
        (openalex.NAME_MAX, Source, "display_name"),
        (openalex.NAME_MAX, Source, "host_organization_name"),
        (openalex.NAME_MAX, Topic, "display_name"),
        (openalex.NAME_MAX, Concept, "display_name"),
        (openalex.WIKIDATA_MAX, Concept, "wikidata"),
        (openalex.NAME_MAX, Publisher, "display_name"),
        (openalex.URL_MAX, Publisher, "homepage_url"),
        (openalex.NAME_MAX, Funder, "display_name"),
        (openalex.URL_MAX, Funder, "homepage_url"),
        (openalex.URL_MAX, Source, "homepage_url"),
        (openalex.ID_MAX, Source, "host_organization"),
        (openalex.LONG_URL_MAX, Work, "landing_page_url"),
        (openalex.LONG_URL_MAX, Work, "oa_url"),
        (openalex.OA_STATUS_MAX, Work, "oa_status"),
        (openalex.NAME_MAX, Authorship, "raw_author_name"),
        (openalex.TYPE_MAX, Work, "type"),
        (openalex.TYPE_MAX, Institution, "type"),
        (openalex.TYPE_MAX, Source, "type"),
        (identifiers.DOI_MAX, Work, "doi"),
        (openalex.LANGUAGE_MAX, Work, "language"),
        (openalex.ROR_MAX, Institution, "ror"),
        (openalex.URL_MAX, Institution, "homepage_url"),
        (openalex.DOMAIN_MAX, Institution, "homepage_domain"),
        (openalex.ISSN_MAX, Source, "issn_l"),
        (openalex.TAXONOMY_MAX, Topic, "subfield"),
        (openalex.TAXONOMY_MAX, Topic, "field"),
        (openalex.TAXONOMY_MAX, Topic, "domain"),
    ],
)
def test_parser_limits_match_the_model_fields(limit, model, field):
    assert model._meta.get_field(field).max_length == limit


# --- Records ------------------------------------------------------------------------------


NEW_WORK = {
    "id": "https://openalex.org/W1",
    "doi": "https://doi.org/10.1000/ABC",
    "title": "A <i>new</i> work",
    "type": "preprint",
    "publication_year": 2024,
    "publication_date": "2024-03-05",
    "language": "en",
    "cited_by_count": 7,
    "primary_location": {
        "source": {"id": "https://openalex.org/S10", "display_name": "arXiv", "type": "repository"}
    },
    "authorships": [
        {
            "author_position": "first",
            "author": {
                "id": "https://openalex.org/A1",
                "display_name": "Ada One",
                "orcid": "https://orcid.org/0000-0001-6187-6610",
            },
            "raw_author_name": "A. One",
            "institutions": [
                {
                    "id": "https://openalex.org/I5",
                    "display_name": "Uni",
                    "ror": "https://ror.org/03dbr7087",
                    "country_code": "ca",
                }
            ],
        },
        {"author_position": "last", "author": {"id": None, "display_name": "Unresolved"}},
    ],
    "topics": [
        {
            "id": "https://openalex.org/T11",
            "display_name": "Graphs",
            "score": 0.99,
            "subfield": {"display_name": "AI"},
            "field": {"display_name": "CS"},
            "domain": {"display_name": "Physical Sciences"},
        }
    ],
    "concepts": [{"id": "https://openalex.org/C1", "display_name": "Kept apart", "score": 0.9}],
    "referenced_works": ["https://openalex.org/W2", "W3"],
    "abstract_inverted_index": {"Short": [0], "abstract.": [1]},
    "open_access": {"is_oa": True, "oa_status": "green", "oa_url": "https://arxiv.org/abs/1"},
    "is_retracted": False,
    "updated_date": "2024-05-01T10:00:00.5",
}


def test_new_schema_work_is_read():
    warnings = []
    work = openalex.parse_record(NEW_WORK, warnings)
    assert warnings == []
    assert work.record == NEW_WORK  # the document itself, as it came
    assert work.updated_date == dt.datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=dt.UTC)
    assert work == openalex.WorkRecord(
        openalex_id="W1",
        title="A <i>new</i> work",
        doi="10.1000/abc",
        abstract="Short abstract.",
        type="preprint",
        publication_year=2024,
        publication_date=dt.date(2024, 3, 5),
        source=openalex.SourceRecord("S10", "arXiv", type="repository"),
        cited_by_count=7,
        language="en",
        referenced_works=("W2", "W3"),
        authors_count=2,
        authorships=(
            openalex.AuthorshipRecord(
                author=openalex.AuthorRef("A1", "Ada One", "0000-0001-6187-6610"),
                order=0,
                position="first",
                raw_author_name="A. One",
                institutions=(
                    openalex.InstitutionRecord("I5", "Uni", ror="03dbr7087", country_code="CA"),
                ),
            ),
            # No author id: an unlinked byline, shown by its name.
            openalex.AuthorshipRecord(
                author=None, order=1, position="last", raw_author_name="Unresolved"
            ),
        ),
        topics=(
            openalex.WorkTopicRecord(
                openalex.TopicRecord("T11", "Graphs", "AI", "CS", "Physical Sciences"), 0.99
            ),
        ),
        # Concepts are read apart from topics: concepts stay concepts.
        concepts=(openalex.WorkConceptRecord(openalex.ConceptRecord("C1", "Kept apart"), 0.9),),
        is_oa=True,
        oa_status="green",
        oa_url="https://arxiv.org/abs/1",
        is_retracted=False,
        updated_date=dt.datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=dt.UTC),
    )


def test_old_schema_work_uses_host_venue_and_keeps_its_concepts():
    old = {
        "id": "https://openalex.org/W9",
        "display_name": "Old title",
        "host_venue": {
            "id": "https://openalex.org/V77",
            "display_name": "Old Journal",
            "publisher": "Old Press",
            "url": "https://old.example/9",
        },
        "ids": {"doi": "https://doi.org/10.9/OLD"},
        "concepts": [
            {"id": "https://openalex.org/C1", "display_name": "Assigned", "score": 0.52},
            {"id": "https://openalex.org/C2", "display_name": "Ancestor only", "score": 0.0},
        ],
        "publication_date": "1999-12-31",
    }
    work = openalex.parse_record(old)
    assert work.title == "Old title"
    assert work.doi == "10.9/old"
    assert work.source == openalex.SourceRecord(
        "S77", "Old Journal", host_organization_name="Old Press"
    )
    assert work.landing_page_url == "https://old.example/9"
    assert work.topics == ()
    assert [(wc.concept.openalex_id, wc.score) for wc in work.concepts] == [("C1", 0.52), ("C2", 0)]
    assert work.publication_year == 1999  # from the date when the year is missing
    assert work.authorships == () and work.authors_count == 0


def test_missing_fields_are_missing_not_errors():
    work = openalex.parse_record({"id": "W5"})
    assert work == openalex.WorkRecord(openalex_id="W5")


def test_stated_authors_count_is_kept_when_the_list_is_cut_short():
    work = openalex.parse_record({"id": "W5", "authors_count": 250, "authorships": []})
    assert work.authors_count == 250


def test_old_author_record_with_one_last_known_institution():
    author = openalex.parse_record(
        {
            "id": "https://openalex.org/A5",
            "display_name": "Jason Priem",
            "display_name_alternatives": ["Priem Jason", "Priem Jason", "J. Priem"],
            "ids": {"orcid": "https://orcid.org/0000-0001-6187-6610"},
            "last_known_institution": {"id": "https://openalex.org/I1", "display_name": "Org"},
            "x_concepts": [{"id": "https://openalex.org/C41008148", "score": 96.2}],
        }
    )
    assert author == openalex.AuthorRecord(
        openalex_id="A5",
        display_name="Jason Priem",
        orcid="0000-0001-6187-6610",
        display_name_alternatives=("Priem Jason", "J. Priem"),
        affiliations=(
            openalex.AffiliationRecord(openalex.InstitutionRecord("I1", "Org"), last_known=True),
        ),
    )
    assert author.last_known_institutions == (openalex.InstitutionRecord("I1", "Org"),)


def test_author_affiliations_with_years_join_the_last_known_ones():
    author = openalex.parse_record(
        {
            "id": "A7",
            "display_name": "C",
            "works_count": "53",
            "summary_stats": {"h_index": "16", "2yr_mean_citedness": "0.5"},
            "affiliations": [
                {"institution": {"id": "I1", "display_name": "One"}, "years": [2021, 2019]},
                {"institution": {"id": "I2", "display_name": "Two"}, "years": ["2015"]},
            ],
            "last_known_institutions": [{"id": "I1", "display_name": "One"}],
        }
    )
    assert author.affiliations == (
        openalex.AffiliationRecord(openalex.InstitutionRecord("I1", "One"), 2019, 2021, True),
        openalex.AffiliationRecord(openalex.InstitutionRecord("I2", "Two"), 2015, 2015, False),
    )
    # Numbers written as strings are numbers.
    assert (author.figures.works_count, author.figures.h_index) == (53, 16)
    assert author.figures.two_year_mean_citedness == 0.5


def test_new_author_record_with_several_last_known_institutions():
    author = openalex.parse_record(
        {
            "id": "A6",
            "display_name": "B",
            "last_known_institutions": [
                {"id": "I1", "display_name": "One"},
                {"id": "I2", "display_name": "Two"},
            ],
        }
    )
    assert [i.openalex_id for i in author.last_known_institutions] == ["I1", "I2"]


def test_author_record_silent_on_institutions_leaves_them_unknown():
    assert openalex.parse_record({"id": "A6"}).affiliations is None
    assert openalex.parse_record({"id": "A6", "last_known_institution": None}) == (
        openalex.AuthorRecord("A6", "A6", affiliations=())
    )


def test_institution_source_topic_and_concept_records():
    inst = openalex.parse_record(
        {
            "id": "https://openalex.org/I27837315",
            "display_name": "University of Michigan",
            "ror": "https://ror.org/00jmfr291",
            "country_code": "US",
            "type": "education",
            "homepage_url": "https://www.umich.edu/",
        }
    )
    assert inst == openalex.InstitutionRecord(
        "I27837315",
        "University of Michigan",
        ror="00jmfr291",
        country_code="US",
        type="education",
        homepage_url="https://www.umich.edu/",
        homepage_domain="umich.edu",
    )
    assert openalex.parse_record({"id": "S1", "display_name": "J", "issn_l": "1234-5678"}) == (
        openalex.SourceRecord("S1", "J", issn_l="1234-5678")
    )
    assert openalex.parse_record({"id": "C7", "display_name": "Concept", "level": 0}) == (
        openalex.ConceptRecord("C7", "Concept", level=0)
    )
    assert openalex.parse_record({"id": "P1", "display_name": "Press"}) == (
        openalex.PublisherRecord("P1", "Press")
    )
    assert openalex.parse_record({"id": "F1", "country_code": "us"}) == (
        openalex.FunderRecord("F1", "F1", country_code="US")
    )
    # Snapshot folders of other kinds are valid records BZPEER does not keep as rows.
    keyword = {"id": "https://openalex.org/keywords/biodiversity", "display_name": "Biodiversity"}
    assert openalex.parse_record(keyword) == openalex.Skipped("keywords")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "expected a JSON object"),  # a list inside a list is not a record
        ("W1", "expected a JSON object"),
        ({"title": "no id"}, "record has no id"),
        ({"id": "https://openalex.org/things/x"}, "not an OpenAlex entity id"),
        ({"id": 42}, "not an OpenAlex entity id"),
    ],
)
def test_only_records_that_cannot_be_identified_are_rejected(record, message):
    with pytest.raises(openalex.RecordError, match=message):
        openalex.parse_record(record)


def test_an_id_in_ids_openalex_identifies_the_record():
    record = {"ids": {"openalex": "https://openalex.org/W8"}, "title": "T"}
    assert openalex.parse_record(record).openalex_id == "W8"


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"id": "W1", "title": {"a": 1}}, "title", "expected text, got an object"),
        ({"id": "W1", "authorships": "Ada"}, "authorships", "expected a list"),
        ({"id": "W1", "authorships": ["Ada"]}, "authorships[0]", "expected an object"),
        ({"id": "W1", "publication_year": True}, "publication_year", "expected a whole number"),
        ({"id": "W1", "referenced_works": ["nope"]}, "referenced_works[0]", "not an OpenAlex"),
        (
            {"id": "W1", "authorships": [{"author": {"id": "I1"}}]},
            "authorships[0].author.id",
            "expected kind",
        ),
        ({"id": "W1", "concepts": [{"id": "C1", "score": "x"}]}, "concepts[0].score", "number"),
        ({"id": "W1", "doi": "not a doi"}, "doi", "not a DOI"),
        ({"id": "W1", "updated_date": "yesterday"}, "updated_date", "not a date"),
        ({"id": "W1", "cited_by_count": -3}, "cited_by_count", "outside"),
        ({"id": "A1", "counts_by_year": [{"year": "soon"}]}, "counts_by_year[0].year", "whole"),
    ],
)
def test_fields_that_cannot_be_read_are_warnings_and_left_empty(record, field, message):
    warnings = []
    parsed = openalex.parse_record(record, warnings)
    assert parsed.openalex_id == record["id"]
    assert [w.field for w in warnings] == [field]
    assert message in warnings[0].message


def test_numbers_as_strings_are_numbers_and_nulls_are_empty():
    warnings = []
    work = openalex.parse_record(
        {
            "id": "W1",
            "cited_by_count": "12",
            "publication_year": "2022",
            "authors_count": 3.0,
            "concepts": [{"id": "C1", "score": "0.47713992"}],
            "authorships": None,
            "topics": None,
            "primary_location": None,
            "open_access": {"is_oa": "true"},
        },
        warnings,
    )
    assert warnings == []
    assert (work.cited_by_count, work.publication_year, work.authors_count) == (12, 2022, 3)
    assert work.concepts[0].score == pytest.approx(0.47713992)
    assert work.is_oa is True
    assert work.authorships == () and work.topics == () and work.source is None


def test_only_http_links_and_no_bidi_controls_reach_typed_columns():
    warnings = []
    inst = openalex.parse_record(
        {
            "id": "I1",
            "display_name": "\u202eevil\u202c Uni",
            "homepage_url": "javascript:alert(document.domain)//",
        },
        warnings,
    )
    assert inst.display_name == "evil Uni"
    assert inst.homepage_url == "" and inst.homepage_domain == ""
    assert {w.field: w.message for w in warnings} == {
        "display_name": "bidirectional control characters removed",
        "homepage_url": "not an http(s) link; left out",
    }
    # The document keeps what came: the API serves it as JSON, never as a link or a page.
    assert inst.record["homepage_url"].startswith("javascript:")


def test_the_null_author_and_repeated_entries_stay_on_the_byline():
    work = openalex.parse_record(
        {
            "id": "W1",
            "authorships": [
                {"author": {"id": "https://openalex.org/A9999999999", "display_name": "X"}},
                {"author": {"id": "A1", "display_name": "Ada"}, "is_corresponding": True},
                {"author": {"id": "A1", "display_name": "Ada"}, "countries": ["fr", "DE"]},
            ],
        }
    )
    assert [(a.author and a.author.openalex_id, a.order) for a in work.authorships] == [
        (None, 0),
        ("A1", 1),
        ("A1", 2),
    ]
    assert work.authorships[0].raw_author_name == "X"
    assert work.authorships[1].is_corresponding is True
    assert work.authorships[2].countries == ("FR", "DE")


def test_the_stored_document_loses_only_what_postgres_refuses():
    warnings = []
    record = {"id": "W1", "title": "a\x00b", "bad": float("nan"), "deep": [[[[]]]]}
    work = openalex.parse_record(record, warnings)
    assert work.record == {"id": "W1", "title": "ab", "bad": None, "deep": [[[[]]]]}
    assert [w.field for w in warnings] == ["bad"]


def test_huge_strings_are_cut_to_the_field_lengths():
    work = openalex.parse_record(
        {
            "id": "W1",
            "title": "t" * 1_000_000,
            "type": "y" * 1000,
            "language": "l" * 100,
            "primary_location": {"source": {"id": "S1", "display_name": "n" * 10_000}},
        }
    )
    assert len(work.title) == openalex.TITLE_MAX
    assert len(work.type) == openalex.TYPE_MAX
    assert len(work.language) == openalex.LANGUAGE_MAX
    assert len(work.source.display_name) == openalex.NAME_MAX


# --- Files --------------------------------------------------------------------------------


def test_json_lines_with_bad_lines_report_file_and_line(tmp_path):
    path = write_lines(
        tmp_path / "part_000",
        json.dumps({"id": "W1"}),
        "{not json",
        "",
        json.dumps(["a list"]),
        json.dumps({"id": "W2", "title": 3}),
        json.dumps({"no": "id"}),
        json.dumps({"id": "W3"}),
    )
    # W2's title is a number: read as its digits. Only lines without a record are errors.
    assert [r.record.openalex_id for r in records(path)] == ["W1", "W2", "W3"]
    assert [(e.path, e.line) for e in errors(path)] == [
        (str(path), 2),
        (str(path), 4),
        (str(path), 6),
    ]
    assert str(errors(path)[0]).startswith(f"{path}:2: invalid JSON")


def test_a_broken_first_line_of_json_lines_is_one_error(tmp_path):
    path = write_lines(tmp_path / "x.jsonl", '{"id": "W1", "title": "cut', json.dumps({"id": "W2"}))
    assert [r.record.openalex_id for r in records(path)] == ["W2"]
    assert [e.line for e in errors(path)] == [1]


def test_pretty_printed_single_object(tmp_path):
    path = tmp_path / "W1"
    path.write_text(json.dumps({"id": "https://openalex.org/W1", "title": "T"}, indent=2))
    assert [(r.record.openalex_id, r.line) for r in records(path)] == [("W1", 1)]


def test_json_list_and_api_page(tmp_path):
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps([{"id": "W1"}, {"id": "A2"}, {"bad": 1}], indent=1))
    assert [r.record.openalex_id for r in records(listing)] == ["W1", "A2"]
    assert [e.message for e in errors(listing)] == ["item 2: record has no id"]

    page = tmp_path / "json"
    page.write_text(json.dumps({"meta": {"count": 2}, "results": [{"id": "W1"}, {"id": "W2"}]}))
    assert [r.record.openalex_id for r in records(page)] == ["W1", "W2"]


def test_group_by_page_is_not_records(tmp_path):
    page = tmp_path / "json"
    page.write_text(json.dumps({"meta": {}, "group_by": [{"key": "article", "count": 3}]}))
    assert records(page) == []
    assert "results" in errors(page)[0].message


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path):
    path = tmp_path / "part_000"  # no .gz
    path.write_bytes(gzip.compress(b'{"id": "W1"}\n{"id": "W2"}\n'))
    assert [r.record.openalex_id for r in records(path)] == ["W1", "W2"]


def test_truncated_gzip_keeps_what_was_read_and_reports_the_line_it_broke_on(tmp_path):
    body = "".join(
        json.dumps({"id": f"W{n}", "title": f"{n:x}" * 20}) + "\n" for n in range(1, 2000)
    )
    packed = gzip.compress(body.encode())
    path = tmp_path / "part_000.gz"
    path.write_bytes(packed[: len(packed) // 2])
    read = records(path)
    [error] = errors(path)
    assert len(read) > 100
    assert "cannot read the file" in error.message
    # Every line before it was read; the line reported is the next one, where it broke.
    assert [r.line for r in read] == list(range(1, len(read) + 1))
    assert error.line == len(read) + 1


def test_hostile_lines_are_errors_not_crashes(tmp_path):
    path = write_lines(
        tmp_path / "part_000",
        "[" * 100_000 + "]" * 100_000,
        '{"id": "W1", "cited_by_count": ' + "9" * 5000 + "}",
        json.dumps({"id": "W2", "cited_by_count": 10**30, "publication_year": 10**9}),
    )
    path.write_bytes(path.read_bytes() + b'{"id": "W3", "title": "\xff"}\n')
    [ok] = records(path)
    # Out of range: left empty, with a warning each.
    assert ok.record.cited_by_count == 0
    assert ok.record.publication_year is None
    assert [w.field for w in ok.warnings] == ["publication_year", "cited_by_count"]
    assert [e.line for e in errors(path)] == [1, 2, 4]


def test_empty_file_has_no_records(tmp_path):
    path = tmp_path / "empty"
    path.write_text("\n\n")
    assert list(openalex.read_file(path)) == []


def test_snapshot_folder_skips_manifests_and_identical_gzip_copies(tmp_path):
    part = tmp_path / "works" / "updated_date=2024-01-01"
    part.mkdir(parents=True)
    content = b'{"id": "W1"}\n'
    (part / "part_000").write_bytes(content)
    (part / "part_000.gz").write_bytes(gzip.compress(content))
    (part / "part_001").write_bytes(b'{"id": "W2"}\n')
    (part / "part_001.gz").write_bytes(gzip.compress(b'{"id": "W3"}\n'))  # differs: read both
    (tmp_path / "works" / "manifest").write_text('{"entries": []}')

    files, duplicates = openalex.find_input_files([tmp_path])

    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "works/updated_date=2024-01-01/part_000",
        "works/updated_date=2024-01-01/part_001",
        "works/updated_date=2024-01-01/part_001.gz",
    ]
    assert duplicates == [(part / "part_000.gz", part / "part_000")]
    ids = [i.record.openalex_id for i in openalex.read_paths(files)]
    assert ids == ["W1", "W2", "W3"]
