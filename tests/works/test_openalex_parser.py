"""The OpenAlex record parser: pure functions, no database."""

import datetime as dt
import gzip
import json

import pytest

from works import identifiers, openalex
from works.models import Authorship, Institution, Researcher, Source, Topic, Work


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


def test_abstract_of_the_wrong_type_is_an_error():
    with pytest.raises(openalex.RecordError, match="abstract_inverted_index"):
        openalex.rebuild_abstract({"word": "0"})


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
    "concepts": [{"id": "https://openalex.org/C1", "display_name": "Ignored", "score": 0.9}],
    "referenced_works": ["https://openalex.org/W2", "W3"],
    "abstract_inverted_index": {"Short": [0], "abstract.": [1]},
}


def test_new_schema_work_is_read():
    work = openalex.parse_record(NEW_WORK)
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
            openalex.AuthorshipRecord(author=None, order=1, position="last", raw_author_name=""),
        ),
        # Topics win over concepts when a work has both.
        topics=(
            openalex.WorkTopicRecord(
                openalex.TopicRecord("T11", "Graphs", "AI", "CS", "Physical Sciences"), 0.99
            ),
        ),
    )


def test_old_schema_work_uses_host_venue_and_assigned_concepts():
    old = {
        "id": "https://openalex.org/W9",
        "display_name": "Old title",
        "host_venue": {"id": "https://openalex.org/V77", "display_name": "Old Journal"},
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
    assert work.source == openalex.SourceRecord("S77", "Old Journal")
    assert [wt.topic.openalex_id for wt in work.topics] == ["C1"]
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
        last_known_institutions=(openalex.InstitutionRecord("I1", "Org"),),
    )


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
    assert openalex.parse_record({"id": "A6"}).last_known_institutions is None
    assert openalex.parse_record({"id": "A6", "last_known_institution": None}) == (
        openalex.AuthorRecord("A6", "A6", last_known_institutions=())
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
    assert openalex.parse_record({"id": "C7", "display_name": "Concept"}) == (
        openalex.TopicRecord("C7", "Concept")
    )
    assert openalex.parse_record({"id": "P1"}) == openalex.Skipped("publisher")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], None),  # a list inside a list is not a record
        ("W1", "expected a JSON object"),
        ({"title": "no id"}, "record has no id"),
        ({"id": "https://openalex.org/keywords/x"}, "not an OpenAlex entity id"),
        ({"id": "W1", "title": 5}, "title: expected a string, got int"),
        ({"id": "W1", "authorships": "Ada"}, "authorships: expected a list"),
        ({"id": "W1", "authorships": ["Ada"]}, r"authorships\[0\]: expected an object"),
        ({"id": "W1", "publication_year": True}, "publication_year: expected a whole number"),
        ({"id": "W1", "referenced_works": ["nope"]}, "referenced_works"),
        ({"id": "W1", "authorships": [{"author": {"id": "I1"}}]}, "expected kind"),
    ],
)
def test_wrong_types_are_record_errors(record, message):
    with pytest.raises(openalex.RecordError, match=message):
        openalex.parse_record(record)


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
    assert [r.record.openalex_id for r in records(path)] == ["W1", "W3"]
    assert [(e.path, e.line) for e in errors(path)] == [
        (str(path), 2),
        (str(path), 4),
        (str(path), 5),
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


def test_truncated_gzip_keeps_what_was_read_and_reports_the_rest(tmp_path):
    body = "".join(json.dumps({"id": f"W{n}", "title": "x" * 50}) + "\n" for n in range(1, 2000))
    packed = gzip.compress(body.encode())
    path = tmp_path / "part_000.gz"
    path.write_bytes(packed[: len(packed) // 2])
    assert len(records(path)) > 0
    assert "cannot read the file" in errors(path)[-1].message


def test_hostile_lines_are_errors_not_crashes(tmp_path):
    path = write_lines(
        tmp_path / "part_000",
        "[" * 100_000 + "]" * 100_000,
        '{"id": "W1", "cited_by_count": ' + "9" * 5000 + "}",
        json.dumps({"id": "W2", "cited_by_count": 10**30, "publication_year": 10**9}),
    )
    path.write_bytes(path.read_bytes() + b'{"id": "W3", "title": "\xff"}\n')
    [ok] = records(path)
    assert ok.record.cited_by_count == 2**31 - 1
    assert ok.record.publication_year is None
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
