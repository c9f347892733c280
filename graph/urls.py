from django.urls import path, register_converter

from . import api, views


class NodeIdConverter:
    """A graph node id such as "work:34"; anything else does not match the URL (404)."""

    regex = r"(?:researcher|work|topic|institution):[0-9]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NodeIdConverter, "node")

app_name = "graph"

urlpatterns = [
    path("researchers/<int:pk>/graph/", views.explorer, name="explorer"),
    path("api/researchers/<int:pk>/graph-slice/", api.GraphSliceView.as_view(), name="api-slice"),
    path(
        "api/graph/nodes/<node:node>/neighbours/",
        api.NodeNeighboursView.as_view(),
        name="api-neighbours",
    ),
]
