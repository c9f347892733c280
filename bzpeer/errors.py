"""The one domain error, and the DRF exception handler that answers it as a 4xx JSON error.

A service raises DomainError when an action cannot happen (a claim already in progress, a work
not on the record, an invite over the cap); its message is written for the person who tried.
HTML views catch it and show the message on the form; API views let it rise, and
`api_exception_handler` (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns it into
``{"detail": message}`` with the error's status.
"""

from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback


class DomainError(Exception):
    """An action the rules refuse; `message` is for the person, `status` for the API."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"detail": exc.message}, status=exc.status)
    return exception_handler(exc, context)
