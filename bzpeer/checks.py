"""System checks for settings that only a deployment can get wrong."""

from django.conf import settings
from django.core.checks import Error, register

from .safety import safe_url


@register()
def site_url_check(app_configs=None, **kwargs):
    """With DEBUG off, SITE_URL must be the site's public http(s) address."""
    if settings.DEBUG:
        return []
    if safe_url(settings.SITE_URL) != settings.SITE_URL or not settings.SITE_URL:
        return [
            Error(
                f"SITE_URL must be the site's public address when DEBUG is off, got "
                f"{settings.SITE_URL!r}.",
                hint="Set SITE_URL=https://bzpeer.example.org (mail and API links use it).",
                id="bzpeer.E001",
            )
        ]
    return []
