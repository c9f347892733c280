"""The graph's JSON API: a researcher's slice, and the bounded neighbours of one node."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bzpeer import page_cache
from profiles.corrections.views import merged_redirect
from works.models import Institution, Researcher, Topic, Work

from . import builder, queries, services, tasks
from .models import GraphSlice

Status = GraphSlice.Status

MODEL_OF_TYPE = {
    "researcher": Researcher,
    "work": Work,
    "topic": Topic,
    "institution": Institution,
}

DETAILS = {
    "ready": "The graph slice is ready.",
    "pending": "The graph slice is queued for building.",
    "building": "The graph slice is being built.",
    "failed": "The graph slice could not be built; it will be tried again later.",
    "unavailable": "The graph builder cannot be reached right now; try again shortly.",
}


def slice_state(graph_slice: GraphSlice) -> str:
    """The state a client sees: the row's status, or `unavailable` when no build is queued."""
    if graph_slice.is_fresh:
        return "ready"
    if graph_slice.status == Status.BUILDING:
        return "building"
    if graph_slice.queued_at is None:
        return "unavailable"  # it needs a build, and queueing one just failed
    return graph_slice.status


class GraphSliceSerializer(serializers.Serializer):
    researcher = serializers.IntegerField(source="researcher_id")
    status = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    detail = serializers.SerializerMethodField()
    # Both null until the first build ends (the 202 and 503 answers).
    built_at = serializers.DateTimeField(allow_null=True)
    build_ms = serializers.IntegerField(allow_null=True)
    retry_after = serializers.SerializerMethodField()
    slice = serializers.JSONField(source="payload", allow_null=True)

    def get_status(self, graph_slice) -> str:
        return slice_state(graph_slice)

    def get_stale(self, graph_slice) -> bool:
        return graph_slice.payload is not None and not graph_slice.is_fresh

    def get_detail(self, graph_slice) -> str:
        return DETAILS[slice_state(graph_slice)]

    def get_retry_after(self, graph_slice) -> int | None:
        if graph_slice.is_fresh:
            return None
        return settings.GRAPH["POLL_SECONDS"]


class GraphSliceView(APIView):
    """200 with the slice (`stale` while a rebuild runs), 202 while the first build runs."""

    @extend_schema(
        responses={200: GraphSliceSerializer, 202: GraphSliceSerializer, 503: GraphSliceSerializer}
    )
    def get(self, request, pk):
        # A ready slice's answer is the same for everyone until the slice changes: kept as
        # JSON under the slice's version, which every write to the slice retires.
        name = f"graph-slice-json:{pk}"
        token, cached, _ = page_cache.lookup(name, [services.slice_scope(pk)])
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
        researcher = get_object_or_404(Researcher, pk=pk)
        if researcher.merged_into_id:
            # A merge retires both records' slices, so a merged record is never cached.
            return merged_redirect(request, researcher.merged_into_id, "graph-slice/", api=True)
        graph_slice = tasks.graph_slice_request(researcher=researcher)
        if graph_slice.is_fresh and graph_slice.payload.get("version") != builder.VERSION:
            # Built by an older builder: serve it while a rebuild in today's shape is queued.
            services.graph_slices_mark_stale(researcher_ids=[pk])
            graph_slice = tasks.graph_slice_request(researcher=researcher)
        data = GraphSliceSerializer(graph_slice).data
        if graph_slice.payload is not None:
            code = status.HTTP_200_OK
        elif data["status"] in ("pending", "building"):
            code = status.HTTP_202_ACCEPTED
        else:
            code = status.HTTP_503_SERVICE_UNAVAILABLE
        headers = {"Retry-After": str(data["retry_after"])} if data["retry_after"] else {}
        if code == status.HTTP_200_OK and data["status"] == "ready" and not data["stale"]:
            page_cache.keep(name, token, JSONRenderer().render(data))
        return Response(data, status=code, headers=headers)


class NeighboursQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1)

    def validate_limit(self, value):
        return min(value, settings.GRAPH["NEIGHBOURS_LIMIT"])


class ExpansionSerializer(serializers.Serializer):
    node = serializers.CharField(help_text='The expanded node, such as "work:34".')
    nodes = serializers.ListField(child=serializers.DictField())
    edges = serializers.ListField(child=serializers.DictField())
    more = serializers.BooleanField(help_text="The node has more neighbours than were returned.")


class NodeNeighboursView(APIView):
    """Up to NEIGHBOURS_LIMIT nodes next to one node, for the explorer's expand-on-click."""

    @extend_schema(parameters=[NeighboursQuerySerializer], responses=ExpansionSerializer)
    def get(self, request, node):
        node_type, pk = builder.parse_node_id(node)  # the URL converter already checked it
        query = NeighboursQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit = query.validated_data.get("limit", settings.GRAPH["NEIGHBOURS_LIMIT"])
        get_object_or_404(MODEL_OF_TYPE[node_type].objects.only("pk"), pk=pk)
        neighbours, more = queries.read_neighbours(node_type, pk, limit)
        return Response(builder.expansion(node, neighbours, services.node_link, more=more))
