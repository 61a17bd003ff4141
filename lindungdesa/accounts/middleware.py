from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

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


class HtmxLoginRedirectMiddleware:
    """Sends a page whose session has ended to the login page, rather than the login page into the page.

    htmx follows a redirect itself and would swap the login page it lands on into the form, the table or
    the progress line that asked (a session ended while a form was open on a phone). The whole page goes
    to the login page instead, which brings the user back to the page they were on, and says why.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", False)
        target = urlsplit(response.get("Location", ""))
        if not (
            (htmx or request.method == "POST")  # a plain form sent (an upload) after the session ended too
            and response.status_code in (301, 302)
            and not request.user.is_authenticated
            and target.path == resolve_url(settings.LOGIN_URL)
            and "next=" in target.query  # sent to sign in for a page, not signed out on purpose
        ):
            return response
        messages.info(
            request, _("Sesi Anda sudah berakhir. Masuk lagi, lalu ulangi isian yang belum disimpan.")
        )
        if not htmx:
            return response
        back = request.htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(redirect_to_login(back).url)
