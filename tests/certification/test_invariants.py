"""The history checker (issue 15 item 10): `certification_invariant_problems()` and
`manage.py certification_check` find deliberately broken rows, say nothing about healthy ones,
and the certificate history refuses to be rewritten."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from certification.models import AppendOnlyError, Certification, CertificationEvent, Level
from certification.selectors.invariants import (
    INVARIANT_CHECKS,
    certification_invariant_problems,
    register_invariant_check,
)
from certification.services.calendar import certifications_suspend, certifications_terminate
from lms import clock
from tests.factories.certification import bulk_certifications

pytestmark = pytest.mark.django_db
TODAY = date(2027, 9, 1)


def _issued(certification, **kwargs):
    return CertificationEvent.objects.create(
        certification=certification, verb="issued", to_state="active", **kwargs
    )


@pytest.fixture
def healthy():
    """Two certificates with a correct history: one current, one suspended on Jul 1."""
    current, lapsed = (
        bulk_certifications(1, valid_through=date(2028, 6, 30))[0],
        bulk_certifications(1, valid_through=date(2027, 6, 30))[0],
    )
    for certification in (current, lapsed):
        with clock.frozen_at(certification.issued_on):
            _issued(certification)
    with clock.frozen_at(date(2027, 7, 1)):
        certifications_suspend(today=date(2027, 7, 1))
    return current, lapsed


def _problems(day=TODAY):
    return certification_invariant_problems(today=day)


def test_a_healthy_history_has_no_problem(healthy):
    assert _problems() == []
    out = io.StringIO()
    call_command("certification_check", "--date", TODAY.isoformat(), stdout=out)
    assert "No problems found" in out.getvalue()


def test_the_whole_year_through_the_daily_jobs_stays_consistent(healthy):
    with clock.frozen_at(date(2028, 1, 1)):
        certifications_terminate(today=date(2028, 1, 1))
    assert _problems(date(2028, 1, 5)) == []


def test_a_missed_jul_1_shows(healthy):
    current, _ = healthy
    (missed,) = bulk_certifications(1, valid_through=date(2027, 6, 30))
    _issued(missed)
    problems = _problems()
    assert problems == [
        f"{missed.number}: active-looking past its valid-through 2027-06-30: no suspension "
        "event after the Jul 1 job should have run."
    ]
    assert _problems(date(2027, 7, 1)) == []  # the job runs just after midnight: a day's grace


def test_a_missed_jan_1_shows(healthy):
    _, lapsed = healthy
    problems = _problems(date(2028, 1, 3))
    assert any(p.startswith(f"{lapsed.number}: not renewed since") for p in problems)


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ([("suspended", "active", "suspended")], "its history starts with suspended"),
        (
            [("issued", "", "active"), ("terminated", "suspended", "terminated"),
             ("suspended", "active", "suspended")],
            "suspended after it was terminated",
        ),
        (
            [("issued", "", "active"), ("terminated", "suspended", "terminated"),
             ("endorsed", "", "active")],
            "became active by endorsed",
        ),
        (
            [("issued", "", "active"), ("revoked", "active", "revoked"),
             ("suspended", "active", "suspended")],
            "suspended after it was revoked",
        ),
        (
            [("issued", "", "active"), ("suspended", "active", "suspended"),
             ("superseded", "active", "superseded")],
            "superseded from active, but it was suspended then",
        ),
    ],
)  # fmt: skip
def test_an_impossible_chain_shows(chain, expected):
    (certification,) = bulk_certifications(1, valid_through=date(2028, 6, 30))
    for verb, from_state, to_state in chain:
        CertificationEvent.objects.create(
            certification=certification, verb=verb, from_state=from_state, to_state=to_state
        )
    problems = [p for p in _problems() if p.startswith(certification.number)]
    assert any(expected in p for p in problems), problems


def test_events_out_of_order_show():
    (certification,) = bulk_certifications(1, valid_through=date(2026, 6, 30))
    _issued(certification)
    for verb, from_state, effective_on in (
        ("terminated", "suspended", date(2027, 1, 1)),
        ("suspended", "active", date(2026, 7, 1)),
    ):
        CertificationEvent.objects.create(
            certification=certification,
            verb=verb,
            from_state=from_state,
            to_state=verb,
            effective_on=effective_on,
        )
    assert any("events out of order" in p for p in _problems())


def test_broken_rows_show_and_the_command_fails():
    (not_jun_30,) = bulk_certifications(1, valid_through=date(2028, 5, 31))
    first, second = bulk_certifications(2, valid_through=date(2028, 6, 30))
    Certification.objects.filter(pk=second.pk).update(holder=first.holder)
    (revoked,) = bulk_certifications(1, valid_through=date(2028, 6, 30))
    Certification.objects.filter(pk=revoked.pk).update(revoked_on=date(2027, 8, 1))
    for certification in (not_jun_30, first, second, revoked):
        _issued(certification)
    problems = _problems()
    assert f"{not_jun_30.number}: valid through 2028-05-31, which is not a June 30." in problems
    assert (
        f"{first.number}, {second.number}: one holder with two current {Level.CM2} certificates."
        in problems
    )
    assert f"{revoked.number}: revoked without a reason or without who revoked it." in problems
    out = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("certification_check", "--date", TODAY.isoformat(), stdout=out)
    assert not_jun_30.number in out.getvalue()


def test_more_checks_can_be_registered(healthy):
    def renewal_invariant_problems(today):
        return ["a renewal approved without its fee"]

    register_invariant_check(renewal_invariant_problems)
    try:
        assert _problems() == ["a renewal approved without its fee"]
    finally:
        INVARIANT_CHECKS.remove(renewal_invariant_problems)


# --- append-only -----------------------------------------------------------------------------


def test_the_history_cannot_be_rewritten(healthy):
    current, _ = healthy
    event = current.events.get()
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CertificationEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        current.events.all().delete()
    with pytest.raises(AppendOnlyError):
        CertificationEvent.objects.bulk_update([event], ["reason"])
    assert CertificationEvent.objects.get(pk=event.pk).reason == ""


def test_the_database_refuses_raw_rewrites_on_postgresql(healthy):
    if connection.vendor != "postgresql":
        pytest.fail("run on PostgreSQL (the trigger is PostgreSQL's)")
    current, _ = healthy
    event = current.events.get()
    table = CertificationEvent._meta.db_table
    for statement in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"{statement} WHERE id = %s", [event.pk])
    assert CertificationEvent.objects.filter(pk=event.pk, reason="").exists()
