"""The identifiers module: DOI, ORCID iD with its check digit, ROR id and OpenAlex id."""

import pytest

from works import identifiers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://openalex.org/W2741809807", "W2741809807"),
        ("W2741809807", "W2741809807"),
        ("w2741809807", "W2741809807"),
        ("https://api.openalex.org/works/W2741809807", "W2741809807"),
        ("  https://openalex.org/A5023888391 ", "A5023888391"),
        ("https://openalex.org/V2755781118", "S2755781118"),  # venues became sources
        ("https://example.org/W123", None),
        ("https://openalex.org/subfields/2308", None),
        ("W12x", None),
        ("", None),
        (123, None),
        (None, None),
    ],
)
def test_openalex_ids_are_normalised(raw, expected):
    assert identifiers.normalize_openalex_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.7717/PeerJ.4375", "10.7717/peerj.4375"),
        ("http://dx.doi.org/10.1000/ABC", "10.1000/abc"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("10.1000/xyz", "10.1000/xyz"),
        ("not a doi", ""),
        ("https://doi.org/10.1000/" + "x" * 300, ""),  # cut short it would name another work
        (None, ""),
    ],
)
def test_dois_are_lower_case_without_resolver(raw, expected):
    assert identifiers.normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://orcid.org/0000-0001-6187-6610", "0000-0001-6187-6610"),
        ("0000-0002-1825-009x", "0000-0002-1825-009X"),
        ("orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/12345", ""),
        (None, ""),
    ],
)
def test_orcids_keep_the_bare_form(raw, expected):
    assert identifiers.normalize_orcid(raw) == expected


@pytest.mark.parametrize(
    ("base", "check"),
    [
        ("000000021825009", "7"),  # ORCID's own example, 0000-0002-1825-0097
        ("000000021694233", "X"),  # 0000-0002-1694-233X
        ("000000016187661", "0"),
    ],
)
def test_orcid_check_digit(base, check):
    assert identifiers.orcid_checksum(base) == check


def test_orcid_with_a_typing_error_fails_the_checksum():
    assert identifiers.orcid_checksum_ok("0000-0002-1825-0097")
    assert identifiers.orcid_checksum_ok("0000-0002-1694-233X")
    assert not identifiers.orcid_checksum_ok("0000-0002-1825-0098")
    assert not identifiers.orcid_checksum_ok("0000-0002-1825")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("  orcid.org/0000-0002-1694-233x ", "0000-0002-1694-233X"),
        ("HTTP://ORCID.ORG/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ],
)
def test_orcid_prefix_is_stripped(raw, expected):
    assert identifiers.strip_orcid_prefix(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://ror.org/03dbr7087", "03dbr7087"),
        ("http://ror.org/03DBR7087", "03dbr7087"),
        ("03dbr7087", "03dbr7087"),
        ("https://ror.org/3dbr7087", ""),  # a ROR id starts with 0 and has nine characters
        ("https://example.org/03dbr7087", ""),
        (None, ""),
    ],
)
def test_ror_ids_keep_the_bare_form(raw, expected):
    assert identifiers.normalize_ror(raw) == expected


def test_doi_with_a_nul_or_a_lone_surrogate_is_made_safe():
    assert identifiers.normalize_doi("10.1000/a\x00b") == "10.1000/ab"
    assert identifiers.normalize_doi("10.1000/\ud800x") == "10.1000/?x"


def test_patterns_match_whole_ids_only():
    assert identifiers.ORCID_RE.fullmatch("0000-0002-1825-0097")
    assert not identifiers.ORCID_RE.fullmatch("0000-0002-1825-00977")
    assert identifiers.OPENALEX_ID_RE.fullmatch("W2741809807")
    assert not identifiers.OPENALEX_ID_RE.fullmatch("X2741809807")
