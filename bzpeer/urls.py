from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from profiles import token_views

urlpatterns = [
    path("", include("profiles.urls")),
    path("", include("profiles.claim_urls")),
    path("", include("works.urls")),
    path("", include("graph.urls")),
    path("", include("collaboration.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("profiles.api_urls")),
    path("api/", include("works.api_urls")),
    path("api/", include("collaboration.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("openalex/", include("works.openalex_api.urls")),
    path("account/tokens/", token_views.token_list, name="account-tokens"),
    path(
        "account/tokens/<str:public_id>/revoke/",
        token_views.token_revoke,
        name="account-token-revoke",
    ),
    path("admin/", admin.site.urls),
]
