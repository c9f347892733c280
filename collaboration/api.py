"""The REST API for following researchers."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles.models import Researcher

from . import services
from .models import Follow


class FollowStateSerializer(serializers.Serializer):
    researcher = serializers.IntegerField()
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()


def _state(user, researcher_id: int) -> dict:
    researcher = Researcher.objects.only("followers_count").get(pk=researcher_id)
    return {
        "researcher": researcher_id,
        "following": Follow.objects.filter(user=user, researcher_id=researcher_id).exists(),
        "followers_count": researcher.followers_count,
    }


@extend_schema(tags=["following"], request=None, responses=FollowStateSerializer)
class FollowView(APIView):
    """Whether I follow a researcher; POST follows, DELETE unfollows (both idempotent)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        return Response(FollowStateSerializer(_state(request.user, researcher.pk)).data)

    @extend_schema(responses={200: FollowStateSerializer, 201: FollowStateSerializer})
    def post(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        created = services.follow_create(user=request.user, researcher=researcher)
        data = FollowStateSerializer(_state(request.user, researcher.pk)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def delete(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        services.follow_delete(user=request.user, researcher=researcher)
        return Response(FollowStateSerializer(_state(request.user, researcher.pk)).data)
