from django.shortcuts import get_object_or_404, render

from works.models import Researcher

from .builder import NODE_TYPES


def explorer(request, pk):
    """The full-page explorer; the graph itself arrives through the slice API."""
    researcher = get_object_or_404(Researcher, pk=pk)
    return render(
        request, "graph/explorer.html", {"researcher": researcher, "node_types": NODE_TYPES}
    )
