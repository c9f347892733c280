from allauth.socialaccount.providers.orcid.provider import OrcidProvider as AllauthOrcidProvider

from .views import OrcidAdapter


class OrcidProvider(AllauthOrcidProvider):
    """Named in SOCIALACCOUNT_PROVIDERS["orcid"]["provider_class"]; same id, same record parsing."""

    name = "ORCID"
    package = "profiles.accounts.orcid"
    oauth2_adapter_class = OrcidAdapter


provider_classes = [OrcidProvider]
