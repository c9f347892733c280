from django.conf import settings
from django.core.exceptions import DisallowedHost

HOST_URLCONF = "works.openalex_api.host_urls"


class OpenAlexHostMiddleware:
    """Serve the OpenAlex-compatible API at the root of its own host name, when one is set.

    Some clients (openalexR) keep only the host of a base URL, so `/openalex/` is not enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api_host = settings.OPENALEX_API_HOST
        if api_host:
            try:
                host = request.get_host().rsplit(":", 1)[0].lower()
            except DisallowedHost:
                host = ""  # CommonMiddleware answers 400 for it
            if host == api_host:
                request.urlconf = HOST_URLCONF
        return self.get_response(request)
