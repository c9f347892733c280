"""The OpenAlex API's JSON: DRF's JSON renderer's output, encoded by orjson.

The works lists send up to 900 kB of JSON a page (25 works of 100 authorships each), which
the standard library's encoder took most of a page's time to write; orjson writes it several
times faster. A list also embeds works already encoded (`fragments`) as `Encoded` values, so
that a cached work is sent as stored, never decoded and encoded again.

The bytes differ from DRF's JSONRenderer only in spelling (a float's exponent, `1e-7` for
`1e-07`), never in content; what orjson cannot encode, or an indented answer, goes to DRF's
renderer.
"""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_DRF_DEFAULT = JSONEncoder().default
# As DRF's renderer: JSON that is also a strict subset of JavaScript.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class Encoded:
    """JSON already encoded, embedded as it is where it stands in the data."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def __eq__(self, other):
        return isinstance(other, Encoded) and other.data == self.data

    def __repr__(self):
        return f"Encoded({self.data[:40]!r}...)"


def _default(value):
    if isinstance(value, Encoded):
        return orjson.Fragment(value.data)
    return _DRF_DEFAULT(value)


def dumps(data) -> bytes:
    """`data` as compact JSON in UTF-8, as DRF's renderer writes it; what orjson cannot encode
    (an integer beyond 64 bits) raises orjson.JSONEncodeError. NaN is written null, where DRF's
    renderer would refuse it."""
    encoded = orjson.dumps(data, default=_default, option=_OPTIONS)
    for raw, escaped in _LINE_SEPARATORS:
        if raw in encoded:
            encoded = encoded.replace(raw, escaped)
    return encoded


def decoded(data):
    """`data` with every embedded fragment decoded: for the standard library's encoder."""
    if isinstance(data, Encoded):
        return orjson.loads(data.data)
    if isinstance(data, dict):
        return {key: decoded(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [decoded(value) for value in data]
    return data


class OpenAlexJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer, through orjson; `Encoded` values are sent as they are."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is None:
            try:
                return dumps(data)
            except (orjson.JSONEncodeError, TypeError):
                pass  # DRF's renderer says why (an integer beyond 64 bits)
        return super().render(decoded(data), accepted_media_type, renderer_context)
