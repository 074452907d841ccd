"""`seed_renewal_demo`: a renewal in progress, a drawn one waiting for documents, a returned one."""

from datetime import date

import pytest

from certification.demo import seed_certification_demo
from certification.models import Renewal, RenewalStatus
from lms import clock

pytestmark = pytest.mark.django_db


def test_the_three_renewals_and_rerunning_changes_nothing(cert_staff, settings):
    settings.PAYMENT_PROVIDER = "fake"
    with clock.frozen_at(date(2027, 3, 2)):
        seed_certification_demo()
        seed_certification_demo()
    by_email = {r.certification.holder.email: r for r in Renewal.objects.all()}
    assert by_email["renewing@demo.bhcm.test"].status == RenewalStatus.DRAFT
    audited = by_email["audited@demo.bhcm.test"]
    assert audited.status == RenewalStatus.SUBMITTED and audited.audit_selected
    assert not any(c.has_document for c in audited.ceus.all())
    returned = by_email["corrections@demo.bhcm.test"]
    assert returned.status == RenewalStatus.RETURNED and returned.corrections.count() == 1
    assert Renewal.objects.count() == 3
    assert returned.certification.holder.check_password("demo-corrections-pass")
