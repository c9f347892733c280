from django.urls import path, re_path

from . import views
from .entities import ENTITIES

app_name = "openalex"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("autocomplete", views.AnyAutocomplete.as_view(), name="autocomplete"),
    re_path(r"^(?P<key>(?:BZ)?[WASVITCPF]\d{1,19})$", views.root_id, name="root-id"),
]
for name in ENTITIES:
    urlpatterns += [
        path(name, views.EntityList.as_view(entity_name=name), name=f"{name}-list"),
        path(
            f"autocomplete/{name}",
            views.Autocomplete.as_view(entity_name=name),
            name=f"{name}-autocomplete",
        ),
        # `path`: a DOI arrives percent-encoded, and decoded it holds slashes.
        path(f"{name}/<path:key>", views.EntityDetail.as_view(entity_name=name), name=name),
    ]
# [\s\S]: a path may hold a newline, which "." would not match.
urlpatterns.append(re_path(r"^(?P<rest>[\s\S]*)$", views.not_found))
