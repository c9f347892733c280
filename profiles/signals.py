"""Hooks the people layer offers the apps above it, which connect them in AppConfig.ready().

collaboration turns them into notifications (collaboration.notifications); profiles itself
never needs to know who listens. Both are sent inside the transaction that made the change, so
what a receiver writes commits or rolls back with it.
"""

from django.dispatch import Signal

# A claim was decided for its claimant: sent with claim= and decision= (a ClaimEvent.Kind:
# approved, verified, rejected or revoked) and automatic= (True when no moderator was involved).
claim_decided = Signal()

# Someone suggested a correction of a record: sent with suggestion= (a CorrectionSuggestion).
correction_suggested = Signal()
