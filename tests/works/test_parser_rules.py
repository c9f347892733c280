"""The OpenAlex parser at the edges a small slip would hide: pure functions, no database."""

import datetime as dt

import pytest

from works import openalex
from works.openalex import records, values


def test_a_topic_without_a_score_is_kept_with_a_score_of_zero():
    warnings = []
    work = openalex.parse_record(
        {
            "id": "W1",
            "topics": [
                {"id": "T1", "display_name": "Model merging"},
                {"id": "T2", "display_name": "Quantization", "score": None},
                {"id": "T3", "display_name": "Calibration", "score": 0.9},
            ],
        },
        warnings,
    )
    assert [(t.topic.openalex_id, t.score) for t in work.topics] == [
        ("T1", 0.0),
        ("T2", 0.0),
        ("T3", 0.9),
    ]
    assert warnings == []


def test_a_primary_topic_without_a_score_is_the_works_topic():
    warnings = []
    work = openalex.parse_record(
        {"id": "W1", "primary_topic": {"id": "T1", "display_name": "Model merging"}}, warnings
    )
    assert [(t.topic.display_name, t.score) for t in work.topics] == [("Model merging", 0.0)]
    assert warnings == []


def test_a_capitalised_ror_id_is_read_as_the_same_ror_id():
    for record in [
        {"id": "I1", "display_name": "U", "ror": "https://ROR.org/00JMFR291"},
        {"id": "I1", "display_name": "U", "ids": {"ror": "HTTPS://ror.org/00Jmfr291"}},
    ]:
        assert openalex.parse_record(record).ror == "00jmfr291"
    work = openalex.parse_record(
        {
            "id": "W1",
            "authorships": [
                {
                    "author": {"id": "A1", "display_name": "Ada"},
                    "institutions": [{"id": "I1", "ror": "https://ror.org/00JMFR291"}],
                }
            ],
        }
    )
    assert work.authorships[0].institutions[0].ror == "00jmfr291"


def test_an_abstract_keeps_at_most_20000_words():
    """The cap is 20,000 words, not one more (a bug: 20,001 were kept)."""
    cut = openalex.parse_record({"id": "W1", "abstract_inverted_index": {"a": list(range(20_001))}})
    assert cut.abstract == " ".join(["a"] * 20_000)
    whole = openalex.parse_record(
        {"id": "W1", "abstract_inverted_index": {"a": list(range(19_999)), "b": [19_999]}}
    )
    assert whole.abstract.split()[-1] == "b" and len(whole.abstract.split()) == 20_000


def test_a_work_keeps_its_first_10000_references():
    refs = [f"https://openalex.org/W{i}" for i in range(1, 10_002)]
    work = openalex.parse_record({"id": "W1", "referenced_works": refs})
    assert work.referenced_works == tuple(f"W{i}" for i in range(1, 10_001))


def test_an_author_keeps_100_other_names_and_a_byline_100_affiliations():
    author = openalex.parse_record(
        {
            "id": "A1",
            "display_name": "X",
            "display_name_alternatives": [f"N{i}" for i in range(101)],
        }
    )
    assert author.display_name_alternatives == tuple(f"N{i}" for i in range(100))
    work = openalex.parse_record(
        {
            "id": "W1",
            "authorships": [
                {"author": {"id": "A1"}, "raw_affiliation_strings": [f"a{i}" for i in range(101)]}
            ],
        }
    )
    assert work.authorships[0].raw_affiliation_strings == tuple(f"a{i}" for i in range(100))


def test_a_title_keeps_5000_characters():
    assert openalex.parse_record({"id": "W1", "title": "t" * 5001}).title == "t" * 5000
    assert openalex.parse_record({"id": "W1", "title": "t" * 5000}).title == "t" * 5000


def nested(levels: int) -> dict:
    value = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"k": value}
    return value


def test_a_document_64_levels_deep_is_kept_and_a_65th_level_left_out():
    kept_warnings, cut_warnings = [], []
    kept = openalex.parse_record({"id": "W1", "x": nested(63)}, kept_warnings)
    assert kept_warnings == [] and kept.record["x"] == nested(63)
    cut = openalex.parse_record({"id": "W1", "x": nested(64)}, cut_warnings)
    assert [w.message for w in cut_warnings] == ["nested deeper than 64 levels; left out"]
    deepest = cut.record["x"]
    for _ in range(62):
        deepest = deepest["k"]
    assert deepest == {"k": None}


def test_a_record_broken_everywhere_keeps_100_warnings_and_counts_the_rest():
    warnings = []
    openalex.parse_record({"id": "W1", "referenced_works": ["bad"] * 150}, warnings)
    assert len(warnings) == 101
    assert warnings[99].field == "referenced_works[99]"
    assert warnings[-1].message == "50 more field(s) could not be read"


def test_a_warning_shows_the_first_60_characters_of_the_value():
    long_warnings, short_warnings = [], []
    openalex.parse_record({"id": "W1", "doi": "x" * 61}, long_warnings)
    openalex.parse_record({"id": "W1", "doi": "x" * 60}, short_warnings)
    assert long_warnings[0].value == repr("x" * 60) + "…"
    assert short_warnings[0].value == repr("x" * 60)


def test_counts_up_to_2147483647_are_kept_and_larger_ones_left_out():
    assert openalex.parse_record({"id": "W1", "cited_by_count": 2**31 - 1}).cited_by_count == (
        2**31 - 1
    )
    warnings = []
    work = openalex.parse_record({"id": "W1", "cited_by_count": 2**31}, warnings)
    assert work.cited_by_count == 0
    assert [w.message for w in warnings] == ["outside 0..2147483647; left out"]


def test_the_largest_stated_author_count_is_kept():
    assert openalex.parse_record({"id": "W1", "authors_count": 2**31 - 1}).authors_count == (
        2**31 - 1
    )


# --- What a mutation run found unnoticed: warnings' paths and counts, limits, dates --------


def parsed_with_warnings(record: dict):
    warnings = []
    return openalex.parse_record(record, warnings), [(w.field, w.message) for w in warnings]


def test_an_abstract_index_that_is_not_an_object_is_a_warning():
    work, warnings = parsed_with_warnings({"id": "W1", "abstract_inverted_index": [1]})
    assert work.abstract == ""
    assert warnings == [("abstract_inverted_index", "expected an object")]


def test_unreadable_positions_are_counted_one_by_one_and_left_out():
    index = {"a": [1, -1, "x", True], "b": "no", "c": [0]}
    work, warnings = parsed_with_warnings({"id": "W1", "abstract_inverted_index": index})
    assert work.abstract == "c a"
    assert warnings == [
        ("abstract_inverted_index", "4 position(s) are not whole numbers; words left out")
    ]


def test_an_abstract_full_at_the_end_of_one_word_takes_no_word_after_it():
    index = {"a": list(range(20_000)), "b": [20_000]}
    work = openalex.parse_record({"id": "W1", "abstract_inverted_index": index})
    assert work.abstract == " ".join(["a"] * 20_000)


def test_an_author_position_of_another_kind_is_a_warning_and_left_empty():
    byline = [{"author": {"id": "A1", "display_name": "X"}, "author_position": "fourth"}]
    work, warnings = parsed_with_warnings({"id": "W1", "authorships": byline})
    assert work.authorships[0].position == ""
    assert warnings == [("authorships[0].author_position", "not first, middle or last")]


def test_raw_affiliations_are_kept_as_they_stand_and_the_old_form_is_one_string():
    byline = [
        {"author": {"id": "A1", "display_name": "X"}, "raw_affiliation_strings": ["A", "A", ""]},
        {"author": {"id": "A2", "display_name": "Y"}, "raw_affiliation_string": "B"},
        {"author": {"id": "A3", "display_name": "Z"}, "raw_affiliation_string": ["C", "D"]},
    ]
    work = openalex.parse_record({"id": "W1", "authorships": byline})
    assert [a.raw_affiliation_strings for a in work.authorships] == [
        ("A", "A", ""),
        ("B",),
        ("C",),
    ]


def test_a_topic_warning_names_the_topic_it_is_in():
    _, listed = parsed_with_warnings(
        {"id": "W1", "topics": [{"id": "T1", "display_name": "t"}, {"id": "T2", "score": "x"}]}
    )
    _, primary = parsed_with_warnings({"id": "W1", "primary_topic": {"id": "T1", "score": "x"}})
    assert ("topics[1].score", "expected a number, got text") in listed
    assert primary == [("primary_topic.score", "expected a number, got text")]


def test_a_last_known_institution_warning_names_where_it_is():
    _, text = parsed_with_warnings(
        {"id": "A1", "display_name": "X", "last_known_institution": "Harvard"}
    )
    _, single = parsed_with_warnings(
        {"id": "A1", "display_name": "X", "last_known_institution": {"id": "bad"}}
    )
    _, listed = parsed_with_warnings(
        {"id": "A1", "display_name": "X", "last_known_institutions": [{"id": "bad"}]}
    )
    assert text == [("last_known_institution", "expected an object, got text")]
    assert single == [("last_known_institution.id", "not an OpenAlex id of the expected kind")]
    assert listed == [("last_known_institutions[0].id", "not an OpenAlex id of the expected kind")]


def test_an_id_of_no_kind_is_shown_to_60_characters():
    with pytest.raises(openalex.RecordError) as refused:
        openalex.parse_record({"id": "X" * 100})
    assert str(refused.value) == f"id {'X' * 60!r} is not an OpenAlex entity id"


def test_a_warning_says_what_kind_of_value_was_there():
    _, number = parsed_with_warnings({"id": "W1", "open_access": 5})
    _, nothing = parsed_with_warnings({"id": "W1", "open_access": True})
    assert number == [("open_access", "expected an object, got a number")]
    assert nothing == [("open_access", "expected an object, got true/false")]


def test_a_text_is_cut_at_twice_its_limit_before_it_is_cleaned():
    """So a huge value costs what a short one does; leading blanks count toward the cut."""
    assert values.clean_text("  " + "x" * 5, 5) == "xxxxx"
    assert values.clean_text("\x00" * 10 + "abc", 5) == ""
    assert values.clean_text("\x00" * 9 + "abc", 5) == "a"


def test_a_homepage_host_of_255_characters_is_kept_and_a_longer_one_left_out():
    host = ("a" * 63 + ".") * 3 + "b" * 63
    assert len(host) == 255
    assert values.homepage_domain(f"https://{host}/") == host
    assert values.homepage_domain(f"https://{host}c/") == ""


def test_dates_are_read_from_date_times_and_zones():
    assert values.parse_date("2023-04-21T19:02:11") == dt.date(2023, 4, 21)
    utc = dt.datetime(2023, 10, 28, 19, 2, 11, tzinfo=dt.UTC)
    assert values.parse_datetime("2023-10-28T19:02:11Z") == utc
    assert values.parse_datetime("2023-10-28T19:02:11z") == utc
    assert values.parse_datetime("2023-10-28T21:02:11+02:00") == utc
    assert values.parse_datetime("2023-10-28T19:02:11") == utc


def test_a_clean_record_64_levels_deep_is_kept_as_it_is_not_copied():
    record = {"id": "W1", "x": nested(63)}
    assert values.clean_record(record, lambda *a: None) is record
    deeper = {"id": "W1", "x": nested(64)}
    assert values.clean_record(deeper, lambda *a: None) is not deeper


def test_a_document_postgresql_would_refuse_is_cleaned():
    """Each on its own: a lone surrogate, a NaN, a NUL character (any one makes a rebuild)."""
    warnings = []

    def clean(record):
        return values.clean_record(record, lambda *w: warnings.append(w[:2]))

    assert clean({"id": "W1", "a\ud800": "é\ud800"}) == {"id": "W1", "a?": "é?"}
    assert clean({"id": "W1", "n": [1, float("nan")]}) == {"id": "W1", "n": [1, None]}
    assert clean({"id": "W1", "z": "\x00x"}) == {"id": "W1", "z": "x"}
    assert warnings == [("n[1]", "not a finite number; left out")]


def test_lists_count_as_levels_of_a_document():
    def lists(levels, core=1):
        for _ in range(levels):
            core = [core]
        return core

    warnings = []
    # A NUL character makes the document be rebuilt, level by level.
    kept = values.clean_record({"id": "W1", "x": lists(63), "z": "\x00"}, warnings.append)
    assert kept == {"id": "W1", "x": lists(63), "z": ""} and warnings == []
    cut = values.clean_record(
        {"id": "W1", "x": lists(64), "z": "\x00"}, lambda *w: warnings.append(w[:2])
    )
    assert cut["x"] == lists(63, core=None)
    assert warnings == [("x" + "[0]" * 63, "nested deeper than 64 levels; left out")]


def test_a_link_is_read_to_twice_its_limit_before_controls_are_dropped():
    """So a huge value costs what a short one does."""
    padded = "https://example.org/" + "\x01" * 1000 + "tail"
    institution = openalex.parse_record({"id": "I1", "display_name": "U", "homepage_url": padded})
    assert institution.homepage_url == "https://example.org/"


def test_a_link_of_500_characters_is_kept_and_a_longer_one_left_out():
    url = "https://example.org/" + "a" * 480
    kept, none = parsed_with_warnings({"id": "I1", "display_name": "U", "homepage_url": url})
    cut, warnings = parsed_with_warnings(
        {"id": "I1", "display_name": "U", "homepage_url": url + "a"}
    )
    assert kept.homepage_url == url and none == []
    assert cut.homepage_url == ""
    assert warnings == [("homepage_url", "longer than 500 characters; left out")]


def test_true_and_false_are_read_from_words_and_from_0_and_1():
    f = values.Fields([])
    read = [f.boolean({"k": v}, "k") for v in (True, " TRUE ", "false", 1, 0, 2, "maybe", None)]
    assert read == [True, True, False, True, False, None, None, None]
    assert [(w.field, w.message) for w in f.warnings] == [
        ("k", "expected true or false, got a number"),
        ("k", "expected true or false, got text"),
    ]


def test_a_date_that_is_not_one_is_a_warning():
    f = values.Fields([])
    assert f.date({"d": "soon"}, "d", "x.") is None
    assert f.date({"d": ""}, "d") is None
    assert [(w.field, w.message) for w in f.warnings] == [("x.d", "not a date YYYY-MM-DD")]


def test_numbers_written_as_text_are_read_up_to_39_characters():
    f = values.Fields([])
    assert f.integer({"n": "0" * 38 + "7"}, "n") == 7
    assert f.integer({"n": "0" * 39 + "7"}, "n") is None
    assert f.number({"n": "0" * 37 + ".5"}, "n") == 0.5
    assert f.number({"n": "0" * 38 + ".5"}, "n") is None
    assert [w.message for w in f.warnings] == [
        "expected a whole number, got text",
        "expected a number, got text",
    ]


def test_numbers_too_large_for_a_float_are_left_out():
    f = values.Fields([])
    assert f.number({"n": 10**400}, "n") is None
    assert f.number({"n": 1e300}, "n") is None
    assert f.number({"n": 9.9e299}, "n") == 9.9e299


def test_an_abstract_keeps_100000_characters():
    index = {f"w{i:07d}": [i] for i in range(12_000)}  # eight characters and a space each
    work = openalex.parse_record({"id": "W1", "abstract_inverted_index": index})
    assert len(work.abstract) == 100_000
    assert work.abstract.startswith("w0000000 w0000001")


@pytest.mark.parametrize("extra", [0, 1])
def test_a_json_lines_record_of_64_mib_is_read_and_a_longer_one_reported(tmp_path, extra):
    head, tail = b'{"id": "W2", "x": "', b'"}'
    size = records.MAX_LINE_BYTES + extra
    path = tmp_path / "part.jsonl"
    path.write_bytes(
        b'{"id": "W1"}\n' + head + b"a" * (size - len(head) - len(tail)) + tail + b"\n"
    )
    read = list(openalex.read_file(path))
    assert read[0].record.openalex_id == "W1"
    if extra:
        assert read[1] == openalex.ParseError(
            str(path), 2, f"line longer than {64 * 1024 * 1024} bytes"
        )
    else:
        assert read[1].record.openalex_id == "W2" and read[1].line == 2


KINDS = [
    {"id": "W1", "title": "T"},
    {"id": "A1", "display_name": "N"},
    {"id": "I1", "display_name": "N"},
    {"id": "S1", "display_name": "N"},
    {"id": "T1", "display_name": "N"},
    {"id": "C1", "display_name": "N"},
    {"id": "P1", "display_name": "N"},
    {"id": "F1", "display_name": "N"},
]


@pytest.mark.parametrize("record", KINDS, ids=[r["id"][0] for r in KINDS])
def test_records_are_told_apart_by_what_they_say_not_by_their_document(record):
    """Two copies that differ only in a field nobody reads are the same record (and hash so)."""
    one = openalex.parse_record({**record, "unread": 1})
    other = openalex.parse_record({**record, "unread": 2})
    assert one.record != other.record
    assert one == other and hash(one) == hash(other)


def test_a_warning_reads_as_its_field_message_and_value():
    assert str(records.FieldWarning("doi", "not a DOI", "'x'")) == "doi: not a DOI (got 'x')"
    assert str(records.FieldWarning("record", "3 more")) == "record: 3 more"


@pytest.mark.parametrize("record", KINDS, ids=[r["id"][0] for r in KINDS])
def test_a_records_repr_leaves_out_its_document(record):
    """A document can be megabytes; a record printed in a log or an error shows its fields."""
    parsed = openalex.parse_record({**record, "unread": "x" * 1000})
    assert "unread" not in repr(parsed) and record["id"] in repr(parsed)
