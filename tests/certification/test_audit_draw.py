"""The year's audit seed: recorded by staff (audited, fixed once drawn), the draw service, and
the public page whose published Python snippet re-runs any certificate number's draw."""

import html
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certification.models import AuditSeed
from certification.renewal_rules import is_audit_selected
from certification.services.ceus import audit_draw, ceu_rule_delete, ceu_rule_save
from enrollment.rules import RuleViolation
from lms import clock
from lms.models import AuditEvent

pytestmark = pytest.mark.django_db
SEEDS = "/admin/audit-seeds/"
SECRET = "7f3c9e1a-season-'2027'"


def _record(year=2027, seed=SECRET, rate="0.10", published_on=None, actor=None):
    return ceu_rule_save(
        instance=AuditSeed(year=year, seed=seed, rate=D(rate), published_on=published_on),
        actor=actor,
    )


def test_staff_record_the_seed_in_the_admin_with_the_policy_rate(client, cert_staff):
    client.force_login(cert_staff)
    assert client.get(f"{SEEDS}new/").context["form"].fields["rate"].initial == D("0.10")
    response = client.post(f"{SEEDS}new/", {"year": "2027", "seed": SECRET, "rate": "0.10"})
    assert response.status_code == 302
    seed = AuditSeed.objects.get()
    assert (seed.year, seed.seed, seed.recorded_by) == (2027, SECRET, cert_staff)
    event = AuditEvent.objects.get(verb="auditseed.created")
    assert event.actor == cert_staff
    assert SECRET not in event.reason  # the secret stays out of the log until published


def test_the_draw_uses_the_recorded_seed_and_fixes_it(client, cert_staff):
    with pytest.raises(RuleViolation, match="No audit seed is recorded for 2027"):
        audit_draw(year=2027, certificate_number="BHCM-000001")
    seed = _record(actor=cert_staff)
    draws = [audit_draw(year=2027, certificate_number=f"BHCM-{n:06d}") for n in range(40)]
    for draw in draws:
        assert draw.selected == is_audit_selected(SECRET, draw.certificate_number, 2027, D("0.10"))
        assert (draw.rate, draw.seed_id, len(draw.hash)) == (D("0.1000"), seed.pk, 64)
    seed.refresh_from_db()
    assert seed.drawn_at is not None
    assert AuditEvent.objects.filter(verb="audit_seed.first_draw").count() == 1

    # Once drawn, neither the service nor the admin lets the seed, rate or year change.
    seed.seed = "another"
    with pytest.raises(ValidationError) as refused:
        ceu_rule_save(instance=seed, actor=cert_staff)
    assert "seed" in refused.value.message_dict
    with pytest.raises(ValidationError):
        ceu_rule_delete(instance=seed, actor=cert_staff)
    client.force_login(cert_staff)
    response = client.post(
        f"{SEEDS}edit/{seed.pk}/", {"year": "2027", "seed": SECRET, "rate": "0.20"}
    )
    assert "no longer change" in " ".join(response.context["form"].errors["rate"])
    seed.refresh_from_db()
    assert (seed.seed, seed.rate) == (SECRET, D("0.1000"))
    assert not AuditEvent.objects.filter(verb="auditseed.changed").exists()
    # Publishing it after the season is still allowed.
    response = client.post(
        f"{SEEDS}edit/{seed.pk}/",
        {"year": "2027", "seed": SECRET, "rate": "0.1000", "published_on": "2028-01-04"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(verb="auditseed.changed").reason == (
        '{"published_on": ["None", "2028-01-04"]}'
    )


def test_an_undrawn_seed_can_still_be_corrected_but_not_published_in_season(cert_staff):
    seed = _record()
    seed.seed = "corrected"
    ceu_rule_save(instance=seed, actor=cert_staff)
    assert AuditSeed.objects.get().seed == "corrected"
    assert "seed" in AuditEvent.objects.get(verb="auditseed.changed").reason
    seed.published_on = date(2027, 12, 30)
    with pytest.raises(ValidationError) as refused:
        ceu_rule_save(instance=seed, actor=cert_staff)
    assert "after December 30, 2027" in refused.value.message_dict["published_on"][0]
    assert AuditSeed.objects.get().published_on is None


def _page(client, today):
    with clock.frozen_at(today):
        response = client.get(reverse("certification:audit-draw"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_seeds_only_once_published(client):
    _record(year=2026, seed="seed-of-2026", published_on=date(2027, 1, 5))
    _record(year=2027, seed=SECRET)
    before = _page(client, date(2027, 1, 4))
    assert "seed-of-2026" not in before and "No seed has been published yet" in before
    after = _page(client, date(2027, 1, 5))
    assert "seed-of-2026" in after and "Renewal year 2026" in after
    assert html.escape(SECRET) not in after and "2027" not in re.findall(r"year (\d+)", after)


def test_the_published_snippet_gives_the_same_answer_as_the_rules(client, tmp_path):
    _record(rate="0.5", published_on=date(2028, 1, 2))
    page = _page(client, date(2028, 2, 1))
    (code,) = re.findall(r'<code class="draw-check" data-year="2027">(.*?)</code>', page, re.S)
    script = tmp_path / "draw.py"
    script.write_text(html.unescape(code))
    numbers = [f"BHCM-{n:06d}" for n in range(12)]
    expected = {n: is_audit_selected(SECRET, n, 2027, D("0.5")) for n in numbers}
    assert set(expected.values()) == {True, False}  # both answers are exercised
    for number in numbers:
        out = subprocess.run(
            [sys.executable, str(script), number], capture_output=True, text=True, check=True
        ).stdout
        assert out.startswith(f"{number} {'drawn' if expected[number] else 'not drawn'} ")
