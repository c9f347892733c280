"""Scholarly identifiers, each rule written once: DOI, ORCID iD (with its check digit), ROR id
and OpenAlex id. A pure module, no Django: the parser, the APIs, search and claims call it.

Each ``normalize_*`` takes whatever a record or a person wrote (a URL, a prefix, another case)
and returns the bare stored form, or "" (None for OpenAlex ids) when there is no such id in it.
"""

import re
from typing import Any
from urllib.parse import urlsplit

# The longest DOI stored (Work.doi); a longer one is dropped, never cut.
DOI_MAX = 255
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")

# 0000-0002-1825-0097: four groups of four, the last character a digit or X (the check digit).
ORCID_RE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")

# 03dbr7087: a zero, then eight letters or digits.
ROR_RE = re.compile(r"0[a-z0-9]{8}")
ROR_PREFIXES = ("https://ror.org/", "http://ror.org/")

# One entity letter (works, authors, institutions, sources, topics, concepts, venues,
# publishers, funders) and digits.
OPENALEX_ID_RE = re.compile(r"[WAISTCVPF][0-9]{1,30}")
OPENALEX_HOSTS = {"openalex.org", "api.openalex.org"}


def normalize_doi(value: Any) -> str:
    """Return the DOI lower-cased and without resolver prefix, or "" if it is not a DOI."""
    if not isinstance(value, str):
        return ""
    # Cut first, so that a huge string costs no more than a short one; no NUL or lone surrogate.
    doi = value[: DOI_MAX * 4].replace("\x00", "")
    if not doi.isascii():
        doi = doi.encode("utf-8", "replace").decode("utf-8")
    doi = doi.strip().lower()
    for prefix in DOI_PREFIXES:
        if doi.startswith(prefix):
            doi = doi[len(prefix) :]
            break
    doi = doi.removeprefix("doi:").strip()
    # A DOI cut short would point at another work: drop it rather than truncate it.
    if not doi.startswith("10.") or "/" not in doi or len(doi) > DOI_MAX:
        return ""
    return doi


def orcid_checksum(base_digits: str) -> str:
    """The ISO 7064 11,2 check character of an ORCID iD's first 15 digits."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_checksum_ok(orcid: str) -> bool:
    """Whether a bare ORCID iD's last character is the check digit of the others."""
    digits = orcid.replace("-", "")
    return len(digits) == 16 and orcid_checksum(digits[:15]) == digits[15]


def normalize_orcid(value: Any) -> str:
    """Return the bare ``0000-0000-0000-0000`` form found in the text, or "" if there is none."""
    if not isinstance(value, str):
        return ""
    match = ORCID_RE.search(value.upper())
    return match.group(0) if match else ""


def strip_orcid_prefix(value: str) -> str:
    """ "0000-0002-1825-0097" from that or its orcid.org URL, upper-cased; not checked."""
    value = value.strip()
    for prefix in ORCID_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def normalize_ror(value: Any) -> str:
    """Return the bare ROR id (``03dbr7087``) from a ROR URL or id, or ""."""
    if not isinstance(value, str):
        return ""
    ror = value.strip().lower()
    for prefix in ROR_PREFIXES:
        ror = ror.removeprefix(prefix)
    return ror if ROR_RE.fullmatch(ror) else ""


def normalize_openalex_id(value: Any) -> str | None:
    """Return ``W123`` for ``W123`` or ``https://openalex.org/W123``; None if it is not one.

    Old venue ids (``V…``) come back as the source ids (``S…``) they became.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("https://openalex.org/"):  # the usual form: skip the URL parser
        value = value[21:]
    if "/" in value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or parts.hostname not in OPENALEX_HOSTS:
            return None
        value = parts.path.rsplit("/", 1)[-1]
    value = value.upper()
    if not OPENALEX_ID_RE.fullmatch(value):
        return None
    return "S" + value[1:] if value[0] == "V" else value
