from django.shortcuts import get_object_or_404, render

from profiles.corrections.views import merged_redirect
from works.models import Researcher

from .builder import NODE_TYPES


def explorer(request, pk):
    """The full-page explorer; the graph itself arrives through the slice API."""
    researcher = get_object_or_404(Researcher, pk=pk)
    if researcher.merged_into_id:
        return merged_redirect(request, researcher.merged_into_id, "graph/")
    return render(
        request, "graph/explorer.html", {"researcher": researcher, "node_types": NODE_TYPES}
    )
