from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bzpeer import health
from bzpeer.api import not_found as api_not_found
from bzpeer.api_index import ApiIndex
from profiles.accounts import views as account_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Before the merged records' redirects: the slice API, which the profile page polls, and
    # the explorer redirect a merged record themselves, from the row they load when the slice
    # is not cached, so that a cached slice costs no query.
    path("", include("graph.urls")),
    # Then: it redirects a merged record's sub-pages and API URLs before any view sees them.
    path("", include("profiles.corrections.urls")),
    path("", include("profiles.urls")),
    path("", include("profiles.claims.urls")),
    path("", include("profiles.owner_content.urls")),
    path("", include("works.urls")),
    path("", include("collaboration.urls")),
    path("", include("collaboration.notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", ApiIndex.as_view(), name="api-index"),
    path("api/", include("profiles.api_urls")),
    path("api/", include("works.api_urls")),
    path("api/", include("collaboration.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    # Anything else under /api/ (a malformed id, say) is a JSON 404, not the HTML page.
    re_path(r"^api/", api_not_found),
    path("openalex/", include("works.openalex_api.urls")),
    path("account/name/", account_views.account_name, name="account-name"),
    path("account/tokens/", account_views.token_list, name="account-tokens"),
    path(
        "account/tokens/<str:public_id>/revoke/",
        account_views.token_revoke,
        name="account-token-revoke",
    ),
    path("admin/", admin.site.urls),
]
