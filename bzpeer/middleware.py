"""Site-wide response hardening: a Content-Security-Policy, no bidi controls in what we render."""

from django.conf import settings

from . import safety

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
        if (
            response.streaming
            or not content_type.startswith(_RENDERED_TYPES)
            or getattr(response, "bidi_stripped", False)  # a shared page, kept cleaned
        ):
            return response
        cleaned, count = safety.strip_bidi_bytes(response.content)
        if count:
            response.content = cleaned
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(cleaned))
        return response
