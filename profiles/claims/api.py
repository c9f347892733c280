"""The REST API for claims: the same service functions as the claim pages, for scripts."""

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bzpeer.api import MAX_ID, ApiPagination, PageSerializer
from works.models import Researcher

from . import queries
from . import services as claims
from .models import Claim

# Claims: the same service functions as the claim pages (profiles.claims), for scripts.


class ClaimSerializer(serializers.ModelSerializer):
    researcher_name = serializers.CharField(source="researcher.display_name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Claim
        fields = [
            "id",
            "researcher",
            "researcher_name",
            "status",
            "status_label",
            "email",
            "orcid",
            "url",
            "note",
            "created_at",
            "email_confirmed_at",
            "decided_at",
            "decision_reason",
        ]


# What the service accepts, in the schema: an http(s) address with a host name, an ORCID iD
# (its check digit is checked too, which a pattern cannot say).
WEB_ADDRESS = (
    r"^https?://[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*\.[a-z]{2,24}(/[A-Za-z0-9._~-]*)*$"
)
# Django's email check as a pattern (its dot-atom user part, a host name with a letter TLD):
# the schema's `format: email` alone admits addresses Django refuses ("0@0.a").
ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
LABEL = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
EMAIL = rf"^{ATOM}(\.{ATOM})*@({LABEL}\.)+[A-Za-z]{{2,63}}$"
ORCID = r"^(https://orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"


class ClaimSubmitSerializer(serializers.Serializer):
    researcher = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    email = serializers.EmailField(
        max_length=254, validators=[RegexValidator(EMAIL, "Enter a valid email address.")]
    )
    orcid = serializers.RegexField(
        ORCID, max_length=40, required=False, allow_blank=True, default=""
    )
    url = serializers.RegexField(
        WEB_ADDRESS, max_length=500, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        max_length=claims.NOTE_MAX, required=False, allow_blank=True, default=""
    )


@extend_schema(tags=["claims"], parameters=[PageSerializer])
class ClaimListCreate(generics.ListAPIView):
    """My claims; POST submits a claim and mails its confirmation link."""

    serializer_class = ClaimSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Claim.objects.filter(user=self.request.user).select_related("researcher")

    @extend_schema(request=ClaimSubmitSerializer, responses={201: ClaimSerializer})
    def post(self, request):
        submitted = ClaimSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        researcher = get_object_or_404(Researcher, pk=data.pop("researcher"))
        claim = claims.claim_submit(user=request.user, researcher=researcher, **data)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["claims"])
class ClaimDetail(APIView):
    """One of my claims and its status; another person's claim does not exist for me (404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ClaimSerializer)
    def get(self, request, pk):
        return Response(ClaimSerializer(queries.claim_get_for_user(request.user, pk)).data)


@extend_schema(tags=["claims"])
class ClaimWithdraw(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ClaimSerializer)
    def post(self, request, pk):
        claim = queries.claim_get_for_user(request.user, pk)
        claim = claims.claim_withdraw(claim=claim, user=request.user)
        return Response(ClaimSerializer(claim).data)
