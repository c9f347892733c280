"""Site-wide response hardening: a Content-Security-Policy, no bidi controls in what we render."""

import re

from django.conf import settings

# UTF-8 of U+202A-U+202E and U+2066-U+2069 (bzpeer.safety.BIDI_CONTROLS). UTF-8 never hides
# these bytes inside another character, so they are removed without decoding the page.
_BIDI_BYTES = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
_RENDERED_TYPES = ("text/html", "application/json")


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            " ".join([directive, *sources])
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class StripBidiControlsMiddleware:
    """Remove bidi controls from every page and JSON answer, so that no stored name or title
    (rows imported before the importer cleaned them included) displays as another.

    Forms and the importer strip them on the way in (bzpeer.safety.strip_bidi); this is the
    one place on the way out, so no template, cached fragment or graph label can miss it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.streaming or not content_type.startswith(_RENDERED_TYPES):
            return response
        cleaned, count = _BIDI_BYTES.subn(b"", response.content)
        if count:
            response.content = cleaned
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(cleaned))
        return response
