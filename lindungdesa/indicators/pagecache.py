"""Whole public pages kept for readers who are not signed in.

A public page (`/publik/<code>/`) shows a region's aggregates only, the same for every reader who is not
signed in: its answer is kept whole per region, day and version (by default `dashboard_version(code)`:
its province's data version, so a change elsewhere leaves it kept) and
served again without rendering it. A signed-in reader's copy names them in the header and carries their
CSRF token: it is never kept nor served from what is kept, and it is marked private, so that no shared
cache (the reverse proxy, deploy/nginx) keeps it either. Figures: docs/benchmarks.md.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from .dashboard import dashboard_version
from .versioned import CACHE_SECONDS, region_cache_key

# Browsers and the reverse proxy may keep a public page this long (a change shows within five minutes).
PUBLIC_MAX_AGE = 300


def _same_for_everyone(request: HttpRequest) -> bool:
    """No session (so nobody signed in, whose name the header would show) and no message waiting to be
    shown: the page is then what any other such reader gets."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HX-Request" not in request.headers
    )


def public_page_kept(version: Callable[[str], str] = dashboard_version):
    """For a view `(request, code)` whose answer depends only on the region `code`, the day and
    `version(code)` (not on the query string, which is left out of the key so that made-up ones cannot
    fill the cache)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, code: str) -> HttpResponse:
            if not _same_for_everyone(request):
                response = view(request, code)
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ("Cookie",))
                return response
            key = region_cache_key(
                "public-page", code, get_language(), timezone.localdate(), version=version(code)
            )
            kept = cache.get(key)
            if kept is not None:
                response = HttpResponse(kept["content"], content_type=kept["content_type"])
            else:
                response = view(request, code)
                if response.status_code == 200 and not response.cookies and not response.streaming:
                    content = {"content": response.content, "content_type": response["Content-Type"]}
                    cache.set(key, content, timeout=CACHE_SECONDS)
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator
