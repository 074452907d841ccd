"""Public renewal pages: the published audit seeds, with the check anyone can run."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certification.models import AuditSeed
from certification.selectors.ceus import audit_seed_published_list
from lms import clock

_SNIPPET = """\
import hashlib, hmac, sys
from fractions import Fraction

SEED = {seed!r}  # the published audit seed of {year}
RATE = Fraction({rate!r})  # the audit rate of {year}
YEAR = {year}
number = sys.argv[1] if len(sys.argv) > 1 else input("Certificate number: ")

digest = hmac.new(SEED.encode(), f"{{number}}:{{YEAR}}".encode(), hashlib.sha256).digest()
value = Fraction(int.from_bytes(digest[:8], "big"), 2**64)
print(number, "drawn" if value < RATE else "not drawn", f"(value {{float(value):.6f}})")
"""


def draw_snippet(seed: AuditSeed) -> str:
    """The few lines of Python that re-run `renewal_rules.is_audit_selected` for `seed`'s year."""
    return _SNIPPET.format(seed=seed.seed, rate=str(seed.rate), year=seed.year)


@require_GET
def audit_draw(request: HttpRequest) -> HttpResponse:
    seeds = audit_seed_published_list(today=clock.today())
    rows = [{"seed": seed, "snippet": draw_snippet(seed)} for seed in seeds]
    return render(request, "certification/renewal/audit_draw.html", {"rows": rows})
