"""Rate limits for the site's own views, on the same counters and client address as allauth's.

    from lms.ratelimit import rate_limit, rate_limit_hit

    @rate_limit("certificate_lookup", "30/m/ip")          # a view: 429 page once over the rate
    def certificate_lookup(request): ...

    if not rate_limit_hit(request, action="certificate_lookup", rate="5/m/key", key=number):
        ...                                              # inside a view: decide yourself

A rate is "<amount>/<period>/<per>", several joined by commas: amount of hits per period
("30s", "m", "5m", "h", "d"), counted per client address ("ip"), per signed-in user ("user") or
per a value you pass as `key` ("key", e.g. an email or a certificate number; it is hashed
before it reaches the cache). Every method counts, GET included.

The counters live in Django's default cache (Redis in production, `CACHE_URL`, so all gunicorn
workers share them). The client address is allauth's: `REMOTE_ADDR`, or, behind proxies, the
header named by `ALLAUTH_TRUSTED_CLIENT_IP_HEADER` or the `X-Forwarded-For` entry chosen by
`ALLAUTH_TRUSTED_PROXY_COUNT` (see README, Configuration). IPv6 addresses count per /64.
"""

from collections.abc import Callable
from functools import wraps

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.http import HttpRequest, HttpResponse

# allauth's cache keys are namespaced by app; ours never collide with allauth's own actions.
_APP = "lms"


def rate_limit_hit(request: HttpRequest, *, action: str, rate: str, key: str | None = None) -> bool:
    """Count one hit of `action` and return whether it is within `rate` (False: refuse it).

    A refused hit is not counted. Raises ValueError for a malformed rate and
    ImproperlyConfigured for a "key" rate without `key` or a "user" rate for an anonymous user.
    """
    usage = _allauth_ratelimit.consume(
        request, app=_APP, action=action, config={action: rate}, key=key, limit_get=True
    )
    return usage is not None


def rate_limit(
    action: str, rate: str, *, key: Callable[[HttpRequest], str] | None = None
) -> Callable:
    """Decorate a view so that hits over `rate` get the "too many requests" page (HTTP 429)
    instead of the view. `key`, for "key" rates, computes the key from the request."""
    _allauth_ratelimit.parse_rates(rate)  # a malformed rate fails at import, not at request

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            hit_key = key(request) if key is not None else None
            if not rate_limit_hit(request, action=action, rate=rate, key=hit_key):
                return _allauth_ratelimit.respond_429(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
