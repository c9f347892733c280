"""bzpeer.safety: which links survive, and which characters leave names and titles."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bzpeer.safety import BIDI_CONTROLS, safe_url, strip_bidi


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(document.domain)//",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://ftp.example.org/file",
        "//evil.example/path",
        "\\\\evil.example/path",
        "/relative/path",
        "example.org",
        "http:/evil.example",
        "http:evil.example",
        "http:\\\\evil.example",
        "https://",
        "http://[::1",
        "",
        "   ",
    ],
)
def test_unsafe_or_incomplete_links_become_empty(value):
    assert safe_url(value) == ""


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://www.uni-example.edu/", "https://www.uni-example.edu/"),
        ("http://example.org/a?b=c#d", "http://example.org/a?b=c#d"),
        ("  https://example.org/page \n", "https://example.org/page"),
        ("HTTPS://Example.org/X", "https://Example.org/X"),
        ("https://exam\u200bple.org/", "https://example.org/"),
        ("https://doi.org/10.1234/abc", "https://doi.org/10.1234/abc"),
        ("https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x"),
    ],
)
def test_http_and_https_links_are_kept_cleaned(value, kept):
    assert safe_url(value) == kept


def test_values_that_are_not_text_become_empty():
    assert safe_url(None) == ""
    assert safe_url(42) == ""


def test_strip_bidi_removes_every_embedding_override_and_isolate_control():
    spoof = "Ada \u202eecalovel\u202c \u2066Lovelace\u2069 \u202a\u202b\u202d\u2067\u2068"
    assert strip_bidi(spoof) == "Ada ecalovel Lovelace "
    # Right-to-left text itself, and the marks that are not controls, stay.
    assert strip_bidi("\u05d3\u05e0\u05d4 \u200f") == "\u05d3\u05e0\u05d4 \u200f"
    assert {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]} == BIDI_CONTROLS


@given(st.text())
def test_safe_url_returns_an_http_link_or_nothing(value):
    result = safe_url(value)
    assert result == "" or result.startswith(("http://", "https://"))
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F or c in BIDI_CONTROLS for c in result)
    assert safe_url(result) == result


SCHEME = st.text(string.ascii_letters + string.digits + "+.-", min_size=1).filter(
    lambda s: s[0].isalpha() and s.lower() not in {"http", "https"}
)


@given(scheme=SCHEME, rest=st.text())
def test_any_other_scheme_is_refused(scheme, rest):
    assert safe_url(f"{scheme}:{rest}") == ""


NOISE = st.text(alphabet=st.sampled_from(["\t", "\n", "\r", "\x00", "\x0b", "\u202e", "\u200b"]))


@given(
    scheme=st.sampled_from(["javascript", "data", "vbscript"]),
    casing=st.lists(st.booleans(), min_size=10, max_size=10),
    noise=st.lists(NOISE, min_size=11, max_size=11),
    lead=st.text(alphabet=" \t\n\x00\x1f"),
)
def test_scripts_are_refused_whatever_hides_them(scheme, casing, noise, lead):
    cased = "".join(c.upper() if up else c for c, up in zip(scheme, casing * 2, strict=False))
    hidden = "".join(n + c for n, c in zip(noise, cased + ":", strict=False))
    assert safe_url(f"{lead}{hidden}alert(1)") == ""


HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){1,3}", fullmatch=True)
PATH = st.text(string.ascii_letters + string.digits + "/._~-?=&%#", max_size=40)


@given(scheme=st.sampled_from(["http", "https", "HTTP", "Https"]), host=HOST, path=PATH)
def test_real_web_links_survive(scheme, host, path):
    url = f"{scheme}://{host}/{path}"
    assert safe_url(url) == f"{scheme.lower()}://{host}/{path}"
    assert safe_url(f"  {url}\n") == f"{scheme.lower()}://{host}/{path}"


@given(st.text())
def test_strip_bidi_leaves_no_control_and_nothing_else_changed(text):
    cleaned = strip_bidi(text)
    assert not BIDI_CONTROLS & set(cleaned)
    assert cleaned == "".join(c for c in text if c not in BIDI_CONTROLS)
    assert strip_bidi(cleaned) == cleaned


@given(st.text(), st.lists(st.sampled_from(sorted(BIDI_CONTROLS))), st.randoms())
def test_strip_bidi_undoes_any_inserted_controls(text, controls, random):
    text = strip_bidi(text)
    chars = list(text)
    for control in controls:
        chars.insert(random.randint(0, len(chars)), control)
    assert strip_bidi("".join(chars)) == text
