from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself, installed for its system checks (it has no models)."""

    name = "bzpeer"
    verbose_name = "BZPEER site"

    def ready(self):
        from . import checks  # noqa: F401 - registers the checks
