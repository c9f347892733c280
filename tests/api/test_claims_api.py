"""Claims through the API: submit, read the status, withdraw (profiles.claims rules)."""

import pytest
from django.core import mail

from profiles.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db


def _submit(client, person, **extra):
    data = {"researcher": person.pk, "email": "ada@uni.example", **extra}
    return client.post("/api/claims/", data, content_type="application/json")


def test_submit_read_and_withdraw_a_claim(
    stranger_client, stranger, django_capture_on_commit_callbacks
):
    person = factories.researcher(display_name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(stranger_client, person, note="This is me.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["researcher"] == person.pk and body["status"] == "email_pending"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@uni.example"]

    listed = stranger_client.get("/api/claims/").json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert stranger_client.get(f"/api/claims/{body['id']}/").json()["note"] == "This is me."

    withdrawn = stranger_client.post(f"/api/claims/{body['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = stranger_client.post(f"/api/claims/{body['id']}/withdraw/")
    assert again.status_code == 400 and "nothing to withdraw" in again.json()["detail"]


def test_another_person_cannot_see_or_withdraw_my_claim(client, stranger, make_user):
    person = factories.researcher()
    client.force_login(stranger)
    claim_id = _submit(client, person).json()["id"]
    client.force_login(make_user("mallory@example.org"))
    assert client.get(f"/api/claims/{claim_id}/").status_code == 404
    assert client.post(f"/api/claims/{claim_id}/withdraw/").status_code == 404
    assert client.get("/api/claims/").json()["count"] == 0
    assert Claim.objects.get(pk=claim_id).status == "email_pending"


def test_visitor_cannot_claim(visitor_client):
    person = factories.researcher()
    assert _submit(visitor_client, person).status_code == 401
    assert visitor_client.get("/api/claims/").status_code == 401
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "extra, status",
    [
        ({"email": "not-an-address"}, 400),
        ({"url": "javascript:alert(1)"}, 400),
        ({"orcid": "1234"}, 400),
        ({"researcher": "abc"}, 400),
        ({"researcher": 99999999}, 404),
        ({"note": "x" * 5000}, 400),
    ],
)
def test_bad_claims_are_refused(stranger_client, extra, status):
    person = factories.researcher()
    response = _submit(stranger_client, person, **extra)
    assert response.status_code == status, response.content
    assert not Claim.objects.exists()


def test_a_second_open_claim_on_the_same_record_is_refused(stranger_client):
    person = factories.researcher()
    assert _submit(stranger_client, person).status_code == 201
    response = _submit(stranger_client, person)
    assert response.status_code == 409 and "in progress" in response.json()["detail"]
