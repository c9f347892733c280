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
