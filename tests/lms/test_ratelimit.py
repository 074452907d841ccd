"""lms.ratelimit: the helper later views (the public certificate lookup) use for their limits."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from lms.ratelimit import rate_limit, rate_limit_hit

pytestmark = pytest.mark.django_db


@rate_limit("lookup", "3/m/ip")
def lookup(request):
    return HttpResponse("found")


def _get(ip="203.0.113.5", **headers):
    request = RequestFactory().get("/lookup/", REMOTE_ADDR=ip, headers=headers)
    request.user = AnonymousUser()
    return request


def test_a_view_answers_429_once_over_its_rate_and_counts_per_address():
    assert [lookup(_get()).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = lookup(_get())
    assert b"Too many attempts" in refused.content
    assert lookup(_get(ip="198.51.100.7")).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(3):
        assert lookup(_get(proxy, x_forwarded_for=f"198.51.100.{n}")).status_code == 200
    # Three clients behind the same proxy each have their own count.
    assert lookup(_get(proxy, x_forwarded_for="198.51.100.0")).status_code == 200
    # A client cannot reset its count by prepending a made-up address.
    for _ in range(2):
        lookup(_get(proxy, x_forwarded_for="198.51.100.9"))
    spoofed = _get(proxy, x_forwarded_for="1.2.3.4, 198.51.100.9")
    assert lookup(spoofed).status_code == 200
    assert lookup(_get(proxy, x_forwarded_for="5.6.7.8, 198.51.100.9")).status_code == 429


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(3):
        lookup(_get(x_forwarded_for=f"198.51.100.{n}"))
    assert lookup(_get(x_forwarded_for="192.0.2.99")).status_code == 429


def test_keyed_rates_count_per_key_and_refusals_are_not_counted():
    request = _get()
    hits = [rate_limit_hit(request, action="cert", rate="2/h/key", key="BHCM-1") for _ in range(3)]
    assert hits == [True, True, False]
    assert rate_limit_hit(request, action="cert", rate="2/h/key", key="BHCM-2")
    # Another action has its own counters.
    assert rate_limit_hit(request, action="other", rate="2/h/key", key="BHCM-1")


def test_a_malformed_rate_fails_when_the_view_is_defined():
    with pytest.raises(ValueError):
        rate_limit("lookup", "thirty a minute")
