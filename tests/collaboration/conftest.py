"""Invite personas: the owner of a claimed record receives; a stranger with a confirmed address
sends; a visitor is anonymous; a moderator is staff."""

import pytest
from allauth.account.models import EmailAddress

from collaboration import invites
from tests import factories


def confirm_email(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def sender(stranger):
    """The stranger, with a confirmed address: allowed to send invitations."""
    return confirm_email(stranger)


@pytest.fixture
def topic(db):
    return factories.topic(display_name="Model merging")


@pytest.fixture
def record(owner, topic):
    """A claimed record, open to collaborate, owned by `owner`, with one topic and two works."""
    person = factories.researcher(
        display_name="Hongxia Yang", owner=owner, claim_status="claimed", verification_level=2
    )
    factories.work(authors=[person], topics=[topic], title="FeatCal: Feature Calibration")
    factories.work(authors=[person], title="OFA: Unifying Architectures")
    factories.refresh(person)
    return person


@pytest.fixture
def send(sender, record):
    """Send an invite from `sender` to `record` through the service; keywords override."""

    def send_invite(**overrides):
        fields = {
            "sender": sender,
            "researcher": record,
            "topic": "Post-merge quantization",
            "message": "Would you like to compare our calibration results?",
        }
        fields.update(overrides)
        return invites.invite_send(**fields)

    return send_invite
