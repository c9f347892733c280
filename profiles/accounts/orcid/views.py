from functools import wraps

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter
from django.conf import settings
from django.http import Http404


class OrcidAdapter(OrcidOAuth2Adapter):
    """ORCID's three addresses, read from the settings when a request needs them."""

    @property
    def authorize_url(self) -> str:
        return f"{settings.ORCID_BASE_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.ORCID_BASE_URL}/oauth/token"

    @property
    def profile_url(self) -> str:
        # complete_login fills in the iD that the token response names.
        return f"{settings.ORCID_API_URL}/v3.0/%s/record"


def _configured_only(view):
    """Without an ORCID client the pages do not exist (allauth itself would answer 500)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not get_adapter(request).list_apps(request, provider=OrcidAdapter.provider_id):
            raise Http404("Sign-in with ORCID is not configured on this site.")
        return view(request, *args, **kwargs)

    return wrapped


oauth2_login = _configured_only(OAuth2LoginView.adapter_view(OrcidAdapter))
oauth2_callback = _configured_only(OAuth2CallbackView.adapter_view(OrcidAdapter))
