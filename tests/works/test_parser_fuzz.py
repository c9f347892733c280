"""Hostile input for the OpenAlex parser: it never crashes, it reports the line instead.

Bounded examples, so the whole file runs in a few seconds.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from works import openalex

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

# Any JSON value, with the occasional long string.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    # Long strings built cheaply (hypothesis draws long text slowly): markup, NULs, bidi marks.
    | st.builds(
        str.__mul__,
        st.sampled_from(["<a>", '"', "\x00", "\u202e", "é"]),
        st.integers(1_000, 50_000),
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

A_WORK = {
    "id": "https://openalex.org/W2741809807",
    "doi": "https://doi.org/10.7717/peerj.4375",
    "title": "The state of OA",
    "publication_year": 2018,
    "publication_date": "2018-02-13",
    "cited_by_count": 10,
    "type": "article",
    "authorships": [
        {
            "author_position": "first",
            "author": {"id": "https://openalex.org/A5023888391", "display_name": "Jason Priem"},
            "institutions": [
                {"id": "https://openalex.org/I4200000001", "display_name": "OurResearch"}
            ],
        }
    ],
    "primary_location": {
        "source": {"id": "https://openalex.org/S1983995261", "display_name": "PeerJ"}
    },
    "topics": [{"id": "https://openalex.org/T10102", "display_name": "Open access", "score": 0.9}],
    "abstract_inverted_index": {"Open": [0], "access": [1]},
    "referenced_works": ["https://openalex.org/W1"],
}
FIELDS = sorted(A_WORK)


def only_parsed_or_errors(items):
    for item in items:
        assert isinstance(item, openalex.Parsed | openalex.ParseError), item
    return items


@FUZZ
@given(json_values)
def test_any_json_value_is_a_record_or_a_record_error(value):
    try:
        record = openalex.parse_record(value)
    except openalex.RecordError as exc:
        assert str(exc)
    else:
        assert record is not None


@FUZZ
@given(st.sampled_from(FIELDS), json_values, st.sampled_from(["W", "A", "I", "S", "T"]))
def test_a_work_with_one_field_of_any_type_never_crashes(field, value, kind):
    record = {**A_WORK, field: value}
    if field != "id":
        record["id"] = f"https://openalex.org/{kind}123"
    try:
        openalex.parse_record(record)
    except openalex.RecordError as exc:
        assert str(exc)


@FUZZ
@given(
    st.lists(st.sampled_from(["author", "institutions", "source", "topics"]), max_size=6),
    json_values,
)
def test_nested_parts_of_any_type_never_crash(path, value):
    record = json.loads(json.dumps(A_WORK))
    authorship = record["authorships"][0]
    for key in path:
        authorship[key] = value
        record["primary_location"][key] = value
    try:
        openalex.parse_record(record)
    except openalex.RecordError as exc:
        assert str(exc)


@FUZZ
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=6))
def test_random_bytes_are_reported_by_line(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "random.jsonl"
    good = json.dumps(A_WORK).encode()
    path.write_bytes(b"\n".join([good, *(line.replace(b"\n", b" ") for line in lines), good]))

    items = only_parsed_or_errors(list(openalex.read_file(path)))

    last_line = len(lines) + 2
    assert all(1 <= item.line <= last_line for item in items)
    parsed_lines = {item.line for item in items if isinstance(item, openalex.Parsed)}
    assert {1, last_line} <= parsed_lines  # the good lines around the garbage still count


@FUZZ
@given(st.integers(min_value=1, max_value=len(json.dumps(A_WORK)) - 1))
def test_truncated_json_is_one_error_on_its_line(tmp_path_factory, cut):
    path = tmp_path_factory.mktemp("fuzz") / "truncated.jsonl"
    good = json.dumps(A_WORK)
    path.write_text(f"{good}\n{good[:cut]}\n{good}\n")

    items = only_parsed_or_errors(list(openalex.read_file(path)))

    errors = [item for item in items if isinstance(item, openalex.ParseError)]
    assert [(e.line, e.message.startswith("invalid JSON")) for e in errors] == [(2, True)]
    assert [item.line for item in items if isinstance(item, openalex.Parsed)] == [1, 3]


def test_deeply_nested_values_are_reported_not_raised(tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    deep_record = json.dumps({**A_WORK, "title": "x"}).replace(
        '"x"', '{"a": ' * 5000 + "1" + "}" * 5000
    )
    path = tmp_path / "deep.jsonl"
    path.write_text(f"{deep}\n{deep_record}\n{json.dumps(A_WORK)}\n")

    items = only_parsed_or_errors(list(openalex.read_file(path)))

    by_line = {item.line: item for item in items}
    assert isinstance(by_line[1], openalex.ParseError)
    assert "nested too deeply" in by_line[1].message
    assert isinstance(by_line[2], openalex.ParseError)
    assert isinstance(by_line[3], openalex.Parsed)


def test_huge_strings_are_cut_not_refused():
    huge = "<script>" + "x" * 2_000_000
    record = {**A_WORK, "title": huge, "abstract_inverted_index": {huge: [0]}}
    record["authorships"][0] = {
        **record["authorships"][0],
        "author": {"id": "https://openalex.org/A5023888391", "display_name": huge},
    }

    work = openalex.parse_record(record)

    assert len(work.title) < 10_000
    assert all(len(a.author.display_name) < 10_000 for a in work.authorships)
