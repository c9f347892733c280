"""The URLconf of the OpenAlex API host name: the same routes, at the root."""

from django.urls import include, path

urlpatterns = [path("", include("works.openalex_api.urls"))]
