from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("profiles.urls")),
    path("", include("works.urls")),
    path("", include("graph.urls")),
    path("", include("collaboration.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
