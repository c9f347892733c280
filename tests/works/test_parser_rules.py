"""The OpenAlex parser at the edges a small slip would hide: pure functions, no database."""

from works import openalex


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
