"""The part of a page that lists people, kept rendered in this process's memory for readers who see the same.

The desa roster, the reconciliation lists and the budget page's figures and people were read and rendered
for every request (20-40 ms in-process, the heaviest pages of the mix: docs/benchmarks.md, "Saturation,
fourth pass"). Their rendered HTML is kept under `page_key`:

- the address with its query (the period, the year and scenario);
- the reader's role and region: what a role may do in a region (`accounts.permissions.can`: revealing a
  NIK, birth dates, downloads, edit and adopt actions) is a function of these two, so a reader of another
  region or with another role never meets another's kept content;
- the language and today's date (the running month's status is reckoned on today);
- the data version of the region's province (`indicators.services.data_changed`: every change to
  positions, people, enrolments and status rules, every import and undo, region loads and NIK links move
  it), and whatever else the caller names.

Only in the `pages` cache, a per-process in-memory cache (settings.CACHES): never on disk, never shared with
another process or machine, gone when the process ends (docs/security.md). The HTML is kept with a
placeholder where a form's CSRF token goes (`{% with csrf_token=csrf_placeholder %}` around the kept part),
and each response gets its reader's own token in its place (`fill_csrf`).
"""

import hashlib

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

CACHE = "pages"
SECONDS = 3600
# What a kept part's forms carry instead of a token; each response gets its reader's (fill_csrf).
CSRF_PLACEHOLDER = "__lindungdesa-csrf-token__"


def page_key(request: HttpRequest, *parts: object) -> str:
    """What a kept part of this request's page depends on besides `parts` (the caller's data version and
    anything else it shows): one string, for `{% cache ... page_key using="pages" %}`."""
    user = request.user
    key = "|".join(
        repr(p)
        for p in (
            request.get_full_path(),
            user.role,
            user.region_id or "",
            get_language(),
            timezone.localdate(),
            *parts,
        )
    )
    # `{% cache %}` names its entry by an MD5 of what it is given: given a SHA-256 of the key, a reader who
    # chooses the address cannot make two readers' keys meet.
    return hashlib.sha256(key.encode()).hexdigest()


def kept_context(request: HttpRequest, *parts: object) -> dict:
    """The context a template's kept part needs."""
    return {
        "kept_key": page_key(request, *parts),
        "kept_seconds": SECONDS,
        "csrf_placeholder": CSRF_PLACEHOLDER,
    }


def fill_csrf(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The reader's own CSRF token where the kept part has the placeholder."""
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response


def clear() -> None:
    """Forget every kept part of this process (tests)."""
    caches[CACHE].clear()
