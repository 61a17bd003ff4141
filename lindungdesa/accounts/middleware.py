from . import audit


class AuditUserMiddleware:
    """Lets the audit trail know whose request made a change (accounts/audit.py)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_request(request)
        try:
            return self.get_response(request)
        finally:
            audit.reset_request(token)
