"""What the apps above profiles add to the profile page, without profiles importing them.

The page shows sections that other apps own (collaboration's follow button and invites, the
graph slice). Their markup is composed at the template level: researcher_detail.html includes
their partials by template name. The per-reader context those partials need (is this reader
following the record?) comes from providers that each app registers here from its
``AppConfig.ready()``. A provider takes the request and the researcher and returns a dict; they
run in registration order, once per rendered page, so each adds exactly the queries it always
ran (a cached page runs none of them).
"""

from collections.abc import Callable

Provider = Callable[..., dict]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a context provider for the profile page (usable as a decorator); idempotent."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def context_for(request, researcher) -> dict:
    """The registered providers' context for this reader and record."""
    context: dict = {}
    for provider in _providers:
        context.update(provider(request, researcher))
    return context
