"""The agency portal's staff list asks the same number of queries however many people it
lists (the certificates are read in one query, not one per person)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.selectors.agency import agency_staff_list
from certification.services.certificates import certification_issue
from lms import clock
from tests.factories.certification import ready_application

pytestmark = pytest.mark.django_db


def _certified_at(agency, cert_staff):
    application = ready_application(agency=agency)
    return certification_issue(application=application, actor=cert_staff)


def _queries(membership) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        rows = agency_staff_list(membership=membership, today=clock.today())
    return len(captured), rows


def test_the_staff_list_reads_certificates_in_one_query(agency, attester, cert_staff):
    _certified_at(agency, cert_staff)
    few, rows = _queries(attester.agency_membership)
    assert [r.certificate_number != "" for r in rows] == [True]
    for _ in range(4):
        _certified_at(agency, cert_staff)
    many, rows = _queries(attester.agency_membership)
    assert len(rows) == 5 and all(r.certificate_number and r.may_bill_t1017 for r in rows)
    assert many == few
