"""The people layer's models, one module per area, gathered here under the app label profiles.

The author entity (Researcher) is the public record's: works.models.
"""

from .accounts.models import User
from .claims.models import Claim, ClaimEvent, Dispute
from .corrections.models import CorrectionSuggestion
from .owner_content.models import OwnerContent, OwnerLink, PinnedWork

__all__ = [
    "Claim",
    "ClaimEvent",
    "CorrectionSuggestion",
    "Dispute",
    "OwnerContent",
    "OwnerLink",
    "PinnedWork",
    "User",
]
