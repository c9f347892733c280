"""Clean text from outside before it becomes a link or a name on a page (no Django, no apps).

Imported records and user input may hold `javascript:` links and Unicode bidirectional
controls that make one name display as another. The importer, the forms and the templates all
call these two functions, so the rule is written once.
"""

import re
import unicodedata
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https"})

# LRE, RLE, PDF, LRO, RLO (U+202A-U+202E) and LRI, RLI, FSI, PDI (U+2066-U+2069).
BIDI_CONTROLS = frozenset([*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


# Their UTF-8: UTF-8 never hides these bytes inside another character, so they are removed
# from a rendered page without decoding it.
_BIDI_BYTES = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def strip_bidi_bytes(content: bytes) -> tuple[bytes, int]:
    """A rendered page (UTF-8) without bidi controls, and how many were removed."""
    return _BIDI_BYTES.subn(b"", content)


def strip_bidi(text: str) -> str:
    """Return the text without Unicode bidirectional embedding, override and isolate controls."""
    if not isinstance(text, str):
        return text
    return text.translate(_NO_BIDI)


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls (a browser drops tabs and newlines inside a URL, so "java\tscript:"
    # runs as "javascript:"); Cf: invisible format characters (bidi controls, zero-width).
    return unicodedata.category(char) in {"Cc", "Cf"}


def safe_url(value: str) -> str:
    """Return the value as an absolute http(s) URL, or "" when it is anything else.

    Whitespace at either end and control characters anywhere are dropped first, as a browser
    would; what is left must name an http or https scheme (any case) and a host. So
    `javascript:`, `data:`, `vbscript:`, relative and protocol-relative (`//host`) links,
    and `http:/host` without its host, all come back empty.
    """
    if not isinstance(value, str):
        return ""
    if value.isascii():
        # The same rule at C speed: the only Cc/Cf characters in ASCII are C0 controls and DEL.
        cleaned = _ASCII_CONTROLS.sub("", value).strip()
    else:
        cleaned = "".join(char for char in value if not _is_control(char)).strip()
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES or not host:
        return ""
    # The scheme must be followed by "//" and the host as written: "http:\\host" and
    # "http:host" are read differently by browsers and by urlsplit.
    if not cleaned[len(scheme) :].startswith("://"):
        return ""
    return scheme + cleaned[len(scheme) :]
