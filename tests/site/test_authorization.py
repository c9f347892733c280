"""The authorization matrix: every route, for a visitor, a stranger, the owner and a moderator.

Every URL pattern the resolver knows must have a row here, so a new route without one fails
`test_every_route_has_a_row`. A row gives the URL for the objects made below and the status of
a GET for each persona (visitor, stranger, owner, moderator). Write routes answer GET with 405
or their form; their POST rules are tested beside each feature. The "owner" owns the claimed
record, is the recipient of the invite and in its conversation, and made the claim, the block,
the token, and reported a message in the conversation; the stranger has no relation to any of
them; the moderator is staff, and staff are in nobody's conversation: they see one only through
a report, on the moderation pages.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from collaboration import invites, reports
from collaboration import services as collaboration_services
from collaboration.models import Block
from collaboration.notifications.models import Notification
from profiles.accounts import tokens
from profiles.claims import services as claims
from profiles.corrections import services as corrections
from tests import factories
from works.models import ImportRun

pytestmark = pytest.mark.django_db

PERSONAS = ("visitor", "stranger", "owner", "moderator")


def route_patterns(patterns=None, prefix=""):
    """Every URL pattern of the project, as its full route text."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from route_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def confirmed(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def world(owner, stranger, moderator, make_user, django_capture_on_commit_callbacks):
    """The objects the URLs name, each related to the owner and never to the stranger."""
    institution = factories.institution(display_name="Owner's Institute")
    topic = factories.topic(display_name="Owner's Topic")
    record = factories.researcher(
        display_name="Owner Record", owner=owner, claim_status="claimed", verification_level=2
    )
    other = factories.researcher(display_name="Unclaimed Record")
    work = factories.work(authors=[record, other], topics=[topic], title="Owner's Work")
    factories.refresh(record, other)

    colleague = confirmed(make_user("colleague@example.org"))
    confirmed(owner)
    invite = invites.invite_send(
        sender=colleague, researcher=record, topic="Testing", message="Shall we?"
    )
    answered = invites.invite_send(
        sender=confirmed(make_user("fourth@example.org")),
        researcher=record,
        topic="More testing",
        message="And this?",
    )
    conversation = invites.invite_accept(invite=answered, user=owner)
    message = invites.conversation_message_send(
        conversation=conversation, author=answered.sender, body="Hello there."
    )
    report = reports.report_submit(reporter=owner, reason="Rude.", message=message)
    block = Block.objects.create(blocker=owner, blocked=make_user("pest@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        claim = claims.claim_submit(user=owner, researcher=other, email="owner@uni-example.edu")
    suggestion = corrections.suggestion_submit(
        user=colleague, researcher=record, kind="other", message="A typo in the name."
    )
    collaboration_services.follow_create(user=owner, researcher=record)
    token = tokens.token_create(user=owner)
    notification = Notification.objects.filter(recipient=owner).order_by("pk").first()
    import_run = ImportRun.objects.create(source="/snapshots/matrix", state="done")
    return {
        "import_run": import_run.pk,
        "record": record.pk,
        "other": other.pk,
        "work": work.pk,
        "topic": topic.pk,
        "institution": institution.pk,
        "invite": invite.pk,
        "conversation": conversation.pk,
        "message": message.pk,
        "report": report.pk,
        "block": block.pk,
        "claim": claim.pk,
        "suggestion": suggestion.pk,
        "notification": notification.pk,
        "token": tokens.token_hash(token)[: tokens.PUBLIC_ID_LENGTH],
    }


def test_every_route_has_a_row():
    missing = sorted(set(route_patterns()) - set(MATRIX) - {"admin/"})
    missing = [route for route in missing if not route.startswith("admin/")]
    assert missing == [], "add these routes to MATRIX in tests/site/test_authorization.py"
    stale = sorted(set(MATRIX) - set(route_patterns()))
    assert stale == [], "these MATRIX rows name routes that no longer exist"


def _client_for(persona, client, request):
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_each_persona_as_expected(persona, client, world, request):
    client = _client_for(persona, client, request)
    wrong = []
    for route, (url_for, expected) in MATRIX.items():
        url = url_for(world)
        if url is None:
            continue
        status = client.get(url).status_code
        want = expected.split()[PERSONAS.index(persona)]
        if str(status) != want:
            wrong.append(f"{route} ({url}): {status}, expected {want}")
    assert wrong == []


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("visitor", 302), ("stranger", 302), ("owner", 302), ("moderator", 200)],
)
def test_the_admin_is_for_staff_only(persona, expected, client, world, request):
    client = _client_for(persona, client, request)
    for url in (reverse("admin:index"), reverse("admin:works_researcher_changelist")):
        response = client.get(url)
        assert response.status_code in (expected, 403 if expected == 200 else expected), url
        if expected == 302:
            assert response["Location"].startswith(reverse("admin:login"))


def test_staff_cannot_read_private_correspondence_in_the_admin(client, world, moderator, make_user):
    """Moderators with every admin permission still find no invite or conversation there."""
    from django.contrib.auth.models import Permission

    moderator.user_permissions.set(Permission.objects.all())
    client.force_login(moderator)
    urls = [
        reverse("admin:collaboration_invite_changelist"),
        reverse("admin:collaboration_invite_change", args=[world["invite"]]),
        reverse("admin:collaboration_conversation_changelist"),
        reverse("admin:collaboration_conversation_change", args=[world["conversation"]]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert "Conversations" not in client.get(reverse("admin:index")).content.decode()
    # A superuser sees who wrote to whom and when, never what they wrote.
    client.force_login(make_user("root@example.org", is_staff=True, is_superuser=True))
    for url in urls:
        html = client.get(url).content.decode()
        assert "Shall we?" not in html and "Hello there." not in html, url
    assert client.get(urls[1]).status_code == 200


def r(name, *keys, **query):
    """A URL builder: reverse `name` with the world's objects named by `keys`."""

    def build(world):
        url = reverse(name, args=[world.get(k, k) for k in keys])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    return build


def fixed(url):
    return lambda world: url


# route text → (URL builder, "visitor stranger owner moderator" statuses of a GET).
MATRIX = {
    # Public pages and exports.
    "": (fixed("/"), "200 200 200 200"),
    "healthz": (fixed("/healthz"), "200 200 200 200"),
    "researchers/": (r("profiles:directory"), "200 200 200 200"),
    "researchers/autocomplete/": (r("profiles:autocomplete", q="Own"), "200 200 200 200"),
    "researchers/<int:pk>/": (r("profiles:detail", "record"), "200 200 200 200"),
    "researchers/<int:pk>/graph/": (r("graph:explorer", "record"), "200 200 200 200"),
    "researchers/<int:pk>/works/": (r("profiles:works", "record"), "200 200 200 200"),
    "works/<int:pk>/": (r("works:detail", "work"), "200 200 200 200"),
    "works/<int:pk>/authors/": (r("works:authors", "work"), "200 200 200 200"),
    "topics/<int:pk>/": (r("works:topic", "topic"), "200 200 200 200"),
    "institutions/<int:pk>/": (r("works:institution", "institution"), "200 200 200 200"),
    # Snapshot runs and syncs: staff only.
    "imports/": (r("works:import-runs"), "302 403 403 200"),
    "imports/<int:pk>/": (r("works:import-run", "import_run"), "302 403 403 200"),
    # Merged records redirect; none is merged here, so the pattern does not match: 404.
    "researchers/<merged:pk>/<path:rest>": (
        lambda w: f"/researchers/{w['record']}/nothing-here/",
        "404 404 404 404",
    ),
    "api/researchers/<merged:pk>/<path:rest>": (
        lambda w: f"/api/researchers/{w['record']}/nothing-here/",
        "404 404 404 404",
    ),
    # Corrections: the owner's tools; suggestions from anyone signed in.
    "researchers/<int:pk>/corrections/": (r("corrections:home", "record"), "302 404 200 404"),
    "researchers/<int:pk>/corrections/works/<int:work_id>/remove/": (
        r("corrections:remove", "record", "work"),
        "302 404 200 404",
    ),
    "researchers/<int:pk>/corrections/works/<int:work_id>/restore/": (
        r("corrections:restore", "record", "work"),
        "302 405 405 405",
    ),
    "researchers/<int:pk>/corrections/add/": (r("corrections:add", "record"), "302 404 200 404"),
    "researchers/<int:pk>/corrections/merge/": (
        r("corrections:merge", "record"),
        "302 404 200 404",
    ),
    "researchers/<int:pk>/suggest/": (r("corrections:suggest", "record"), "302 200 200 200"),
    "me/suggestions/": (r("corrections:suggestions"), "302 200 200 200"),
    "^suggestions/(?P<suggestion_id>\\d+)/(?P<action>accept|reject)/$": (
        r("corrections:decide", "suggestion", "accept"),
        "302 405 405 405",
    ),
    # Claims and moderation.
    "researchers/<int:pk>/claim/": (r("claims:create", "other"), "302 200 302 200"),
    "researchers/<int:pk>/dispute/": (r("claims:dispute", "record"), "302 200 200 200"),
    "researchers/<int:pk>/edit/": (r("claims:edit", "record"), "302 404 200 404"),
    # The owner's own words and pins: POST only (tests/profiles/test_owner_content.py).
    "researchers/<int:pk>/edit/words/": (r("owner_content:words", "record"), "405 405 405 405"),
    "researchers/<int:pk>/edit/pins/": (r("owner_content:pins", "record"), "405 405 405 405"),
    "claims/confirm/<str:token>/": (r("claims:confirm", "not-a-real-token"), "400 400 400 400"),
    "claims/<int:claim_id>/": (r("claims:detail", "claim"), "302 404 200 404"),
    "claims/<int:claim_id>/withdraw/": (r("claims:withdraw", "claim"), "302 405 405 405"),
    "claims/<int:claim_id>/resend/": (r("claims:resend", "claim"), "302 405 405 405"),
    "me/profiles/": (r("claims:mine"), "302 200 200 200"),
    "moderation/claims/": (r("claims:moderation"), "302 403 403 200"),
    "^moderation/claims/(?P<claim_id>\\d+)/(?P<action>approve|verify|reject|revoke)/$": (
        r("claims:moderate_claim", "claim", "approve"),
        "302 403 403 405",
    ),
    "^moderation/disputes/(?P<dispute_id>\\d+)/(?P<action>uphold|dismiss)/$": (
        r("claims:moderate_dispute", 999999, "dismiss"),
        "302 403 403 405",
    ),
    # Following, invites, conversations.
    "researchers/<int:pk>/follow/": (r("collaboration:follow", "record"), "405 405 405 405"),
    "following/": (r("collaboration:following"), "302 200 200 200"),
    "following/digest/": (r("collaboration:digest"), "405 405 405 405"),
    "researchers/<int:pk>/invite/": (r("collaboration:invite_create", "record"), "302 200 200 200"),
    "invites/": (r("collaboration:inbox"), "302 200 200 200"),
    "invites/<int:invite_id>/": (r("collaboration:invite", "invite"), "302 404 200 404"),
    "^invites/(?P<invite_id>\\d+)/(?P<action>accept|decline)/$": (
        r("collaboration:invite_answer", "invite", "accept"),
        "405 405 405 405",
    ),
    "invites/<int:invite_id>/block/": (
        r("collaboration:invite_block", "invite"),
        "405 405 405 405",
    ),
    "blocks/<int:block_id>/delete/": (r("collaboration:block_delete", "block"), "405 405 405 405"),
    "conversations/<int:conversation_id>/": (
        r("collaboration:conversation", "conversation"),
        "302 404 200 404",
    ),
    "conversations/<int:conversation_id>/archive/": (
        r("collaboration:conversation_archive", "conversation"),
        "405 405 405 405",
    ),
    # Notifications: the owner's own (tests/collaboration/test_notifications.py).
    "notifications/": (r("notifications:list"), "302 200 200 200"),
    "notifications/<int:notification_id>/": (
        r("notifications:open", "notification"),
        "302 404 302 404",
    ),
    "notifications/<int:notification_id>/read/": (
        r("notifications:read", "notification"),
        "405 405 405 405",
    ),
    "notifications/read-all/": (r("notifications:read_all"), "405 405 405 405"),
    "notifications/settings/": (r("notifications:settings"), "405 405 405 405"),
    # A signed link, good without signing in; a bad one is a 400 page.
    "notifications/unsubscribe/<str:token>/": (
        r("notifications:unsubscribe", "not-a-token"),
        "400 400 400 400",
    ),
    "invites/<int:invite_id>/report/": (
        r("collaboration:invite_report", "invite"),
        "302 404 200 404",
    ),
    "messages/<int:message_id>/report/": (
        r("collaboration:message_report", "message"),
        "302 404 200 404",
    ),
    # Reports: the only way staff see a conversation.
    "moderation/reports/": (r("collaboration:reports"), "302 403 403 200"),
    "moderation/reports/<int:report_id>/": (
        r("collaboration:report", "report"),
        "302 403 403 200",
    ),
    "^moderation/reports/(?P<report_id>\\d+)/(?P<action>dismiss|block)/$": (
        r("collaboration:report_resolve", "report", "dismiss"),
        "405 405 405 405",
    ),
    # The account's name, and API tokens.
    "account/name/": (r("account-name"), "302 200 200 200"),
    "account/tokens/": (r("account-tokens"), "302 200 200 200"),
    "account/tokens/<str:public_id>/revoke/": (
        r("account-token-revoke", "token"),
        "405 405 405 405",
    ),
    # Accounts (allauth).
    "accounts/login/": (r("account_login"), "200 302 302 302"),
    "accounts/logout/": (r("account_logout"), "302 200 200 200"),
    "accounts/inactive/": (r("account_inactive"), "200 200 200 200"),
    "accounts/signup/": (r("account_signup"), "200 302 302 302"),
    "accounts/reauthenticate/": (r("account_reauthenticate"), "302 200 200 200"),
    "accounts/reauthenticate/code/": (
        r("account_request_reauthentication_code"),
        "302 302 200 302",
    ),
    "accounts/reauthenticate/code/confirm/": (
        r("account_confirm_reauthentication_code"),
        "302 302 302 302",
    ),
    "accounts/email/": (r("account_email"), "302 200 200 200"),
    "accounts/confirm-email/": (r("account_email_verification_sent"), "200 200 200 200"),
    "accounts/password/change/": (r("account_change_password"), "302 200 200 200"),
    "accounts/password/set/": (r("account_set_password"), "302 302 302 302"),
    "accounts/password/reset/": (r("account_reset_password"), "200 200 200 200"),
    "accounts/login/code/confirm/": (r("account_confirm_login_code"), "302 302 302 302"),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        r("account_confirm_email", "not-a-key"),
        "200 200 200 200",
    ),
    "accounts/password/reset/key/done/": (
        r("account_reset_password_from_key_done"),
        "200 200 200 200",
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        r("account_reset_password_from_key", "1", "not-a-key"),
        "200 200 200 200",
    ),
    "accounts/password/reset/done/": (r("account_reset_password_done"), "200 200 200 200"),
    "accounts/3rdparty/login/cancelled/": (r("socialaccount_login_cancelled"), "200 200 200 200"),
    "accounts/3rdparty/login/error/": (r("socialaccount_login_error"), "401 401 401 401"),
    "accounts/3rdparty/signup/": (r("socialaccount_signup"), "302 302 302 302"),
    "accounts/3rdparty/": (r("socialaccount_connections"), "302 200 200 200"),
    "accounts/social/login/cancelled/": (
        fixed("/accounts/social/login/cancelled/"),
        "301 301 301 301",
    ),
    "accounts/social/login/error/": (fixed("/accounts/social/login/error/"), "301 301 301 301"),
    "accounts/social/signup/": (fixed("/accounts/social/signup/"), "301 301 301 301"),
    "accounts/social/connections/": (fixed("/accounts/social/connections/"), "301 301 301 301"),
    # Sign-in with ORCID: no client is configured in the tests, so the pages do not exist.
    "accounts/orcid/login/": (r("orcid_login"), "404 404 404 404"),
    "accounts/orcid/login/callback/": (r("orcid_callback"), "404 404 404 404"),
    # REST API.
    "api/": (r("api-index"), "200 200 200 200"),
    "api/researchers/": (r("profiles-api:researcher-list"), "200 200 200 200"),
    "api/researchers/<int:pk>/": (r("profiles-api:researcher-detail", "record"), "200 200 200 200"),
    "api/claims/": (r("profiles-api:claim-list"), "401 200 200 200"),
    "api/claims/<int:pk>/": (r("profiles-api:claim-detail", "claim"), "401 404 200 404"),
    "api/claims/<int:pk>/withdraw/": (r("profiles-api:claim-withdraw", "claim"), "401 405 405 405"),
    "api/researchers/<int:pk>/corrections/": (
        r("profiles-api:correction-list", "record"),
        "401 404 200 404",
    ),
    "api/researchers/<int:pk>/corrections/remove/": (
        r("profiles-api:correction-remove", "record"),
        "401 405 405 405",
    ),
    "api/researchers/<int:pk>/corrections/restore/": (
        r("profiles-api:correction-restore", "record"),
        "401 405 405 405",
    ),
    "api/researchers/<int:pk>/corrections/add/": (
        r("profiles-api:correction-add", "record"),
        "401 405 405 405",
    ),
    "api/researchers/<int:pk>/merge/": (
        r("profiles-api:researcher-merge", "record"),
        "401 405 405 405",
    ),
    "api/researchers/<int:pk>/suggestions/": (
        r("profiles-api:suggestion-create", "record"),
        "401 405 405 405",
    ),
    "api/suggestions/": (r("profiles-api:suggestion-list"), "401 200 200 200"),
    "api/suggestions/<int:pk>/decide/": (
        r("profiles-api:suggestion-decide", "suggestion"),
        "401 405 405 405",
    ),
    "api/works/": (r("works-api:work-list"), "200 200 200 200"),
    "api/works/<int:pk>/": (r("works-api:work-detail", "work"), "200 200 200 200"),
    "api/topics/": (r("works-api:topic-list"), "200 200 200 200"),
    "api/topics/<int:pk>/": (r("works-api:topic-detail", "topic"), "200 200 200 200"),
    "api/institutions/": (r("works-api:institution-list"), "200 200 200 200"),
    "api/institutions/<int:pk>/": (
        r("works-api:institution-detail", "institution"),
        "200 200 200 200",
    ),
    "api/researchers/<int:pk>/works/": (
        r("works-api:researcher-works", "record"),
        "200 200 200 200",
    ),
    "api/works/<int:pk>/cite.bib": (r("works-api:work-cite-bib", "work"), "200 200 200 200"),
    "api/works/<int:pk>/cite.ris": (r("works-api:work-cite-ris", "work"), "200 200 200 200"),
    "api/researchers/<int:pk>/works.bib": (
        r("works-api:researcher-works-bib", "record"),
        "200 200 200 200",
    ),
    "api/researchers/<int:pk>/works.ris": (
        r("works-api:researcher-works-ris", "record"),
        "200 200 200 200",
    ),
    "api/researchers/<int:pk>/works.json": (
        r("works-api:researcher-works-csl", "record"),
        "200 200 200 200",
    ),
    "api/researchers/<int:pk>/graph-slice/": (r("graph:api-slice", "record"), "202 202 202 202"),
    "api/graph/nodes/<node:node>/neighbours/": (
        lambda w: reverse("graph:api-neighbours", args=[f"researcher:{w['record']}"]),
        "200 200 200 200",
    ),
    "api/researchers/<int:pk>/follow/": (
        r("collaboration-api:follow", "record"),
        "401 200 200 200",
    ),
    "api/invites/": (r("collaboration-api:invite-list"), "401 200 200 200"),
    "api/invites/<int:pk>/": (r("collaboration-api:invite-detail", "invite"), "401 404 200 404"),
    "api/invites/<int:pk>/accept/": (
        r("collaboration-api:invite-accept", "invite"),
        "401 405 405 405",
    ),
    "api/invites/<int:pk>/decline/": (
        r("collaboration-api:invite-decline", "invite"),
        "401 405 405 405",
    ),
    "api/conversations/<int:pk>/messages/": (
        r("collaboration-api:conversation-messages", "conversation"),
        "401 404 200 404",
    ),
    "api/invites/<int:pk>/report/": (
        r("collaboration-api:invite-report", "invite"),
        "401 405 405 405",
    ),
    "api/messages/<int:pk>/report/": (
        r("collaboration-api:message-report", "message"),
        "401 405 405 405",
    ),
    "api/schema/": (r("api-schema"), "200 200 200 200"),
    "api/docs/": (r("api-docs"), "200 200 200 200"),
    "^api/": (fixed("/api/no-such-thing/"), "404 404 404 404"),
    # The OpenAlex-compatible read API: public.
    "openalex/works": (r("openalex:works-list"), "200 200 200 200"),
    "openalex/autocomplete/works": (r("openalex:works-autocomplete", q="Own"), "200 200 200 200"),
    "openalex/works/<path:key>": (lambda w: f"/openalex/works/BZW{w['work']}", "200 200 200 200"),
    "openalex/authors": (r("openalex:authors-list"), "200 200 200 200"),
    "openalex/autocomplete/authors": (
        r("openalex:authors-autocomplete", q="Own"),
        "200 200 200 200",
    ),
    "openalex/authors/<path:key>": (
        lambda w: f"/openalex/authors/BZA{w['record']}",
        "200 200 200 200",
    ),
    "openalex/institutions": (r("openalex:institutions-list"), "200 200 200 200"),
    "openalex/autocomplete/institutions": (
        r("openalex:institutions-autocomplete", q="Own"),
        "200 200 200 200",
    ),
    "openalex/institutions/<path:key>": (
        lambda w: f"/openalex/institutions/BZI{w['institution']}",
        "200 200 200 200",
    ),
    "openalex/": (r("openalex:index"), "200 200 200 200"),
    "openalex/sources": (r("openalex:sources-list"), "200 200 200 200"),
    "openalex/autocomplete/sources": (
        r("openalex:sources-autocomplete", q="Own"),
        "200 200 200 200",
    ),
    "openalex/sources/<path:key>": (fixed("/openalex/sources/BZS999999"), "404 404 404 404"),
    "openalex/topics": (r("openalex:topics-list"), "200 200 200 200"),
    "openalex/autocomplete/topics": (r("openalex:topics-autocomplete", q="Own"), "200 200 200 200"),
    "openalex/topics/<path:key>": (
        lambda w: f"/openalex/topics/BZT{w['topic']}",
        "200 200 200 200",
    ),
    # Concepts, publishers and funders come only from their own records: none here.
    **{
        route: spec
        for name in ("concepts", "publishers", "funders")
        for route, spec in {
            f"openalex/{name}": (r(f"openalex:{name}-list"), "200 200 200 200"),
            f"openalex/autocomplete/{name}": (
                r(f"openalex:{name}-autocomplete", q="Own"),
                "200 200 200 200",
            ),
            f"openalex/{name}/<path:key>": (
                fixed(f"/openalex/{name}/BZ{name[0].upper()}999999"),
                "404 404 404 404",
            ),
        }.items()
    },
    "openalex/autocomplete": (r("openalex:autocomplete", q="Own"), "200 200 200 200"),
    "openalex/^(?P<key>(?:BZ)?[WASVITCPF]\\d{1,19})$": (
        lambda w: f"/openalex/BZW{w['work']}",
        "200 200 200 200",
    ),
    "openalex/^(?P<rest>[\\s\\S]*)$": (fixed("/openalex/no-such-entity"), "404 404 404 404"),
}


# --- Rate limits on the endpoints scripts would hammer ---------------------------------------


def test_login_is_rate_limited_per_account(client, make_user):
    user = make_user("target@example.org", password="correct-horse-battery")
    confirmed(user)
    url = reverse("account_login")
    for _ in range(5):  # allauth's default: 5 failed attempts per address in 5 minutes
        response = client.post(url, {"login": user.email, "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    # Now even the right password is refused until the window passes.
    response = client.post(url, {"login": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_login_page_is_rate_limited_per_ip(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}
    url = reverse("account_login")
    body = {"login": "nobody@example.org", "password": "wrong"}
    statuses = [client.post(url, body).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_invite_page_is_rate_limited(client, stranger, settings):
    settings.BZPEER = {**settings.BZPEER, "INVITE_RATE_PER_MINUTE": 3}
    record = factories.researcher(owner=factories_owner(), claim_status="claimed")
    client.force_login(confirmed(stranger))
    url = reverse("collaboration:invite_create", args=[record.pk])
    statuses = [client.post(url, {"topic_text": "", "message": ""}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_invite_api_is_rate_limited(client, stranger, settings):
    settings.BZPEER = {**settings.BZPEER, "INVITE_RATE_PER_MINUTE": 3}
    record = factories.researcher(owner=factories_owner(), claim_status="claimed")
    client.force_login(confirmed(stranger))
    url = reverse("collaboration-api:invite-list")
    body = {"researcher": record.pk, "topic": "", "message": ""}
    statuses = [
        client.post(url, body, content_type="application/json").status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def factories_owner():
    return get_user_model().objects.create_user(username="rec@example.org", email="rec@example.org")
