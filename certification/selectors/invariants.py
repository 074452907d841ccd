"""The history checker (issue 15 item 10; Totara's "certification checker"): finds states that
should be impossible, so a bug that slipped through shows up on the next check rather than on
the next complaint. `manage.py certification_check` runs it; so does a test.

Each check is a function `(today) -> list[str]`, registered with `@invariant_check`; more can
be registered from elsewhere (the renewal checks: `register_invariant_check(fn)`). Messages
name certificate numbers (public), never people.
"""

from collections.abc import Callable
from datetime import date, timedelta
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q

from certification.models import Certification, CertificationEvent
from lms import clock

InvariantCheck = Callable[[date], list[str]]
INVARIANT_CHECKS: list[InvariantCheck] = []

# Events that change the status; the others (endorsed, re-signed) only annotate the history.
STATUS_VERBS = {
    "issued",
    "renewed",
    "reinstated",
    "suspended",
    "terminated",
    "revoked",
    "superseded",
}
# The verbs that may make a certificate active (again).
ACTIVATING_VERBS = {"issued", "renewed", "reinstated"}
FINAL_STATES = {"revoked", "superseded"}
# The calendar jobs run just after midnight: a day's grace before their absence is a problem.
JOB_GRACE = timedelta(days=1)


def register_invariant_check(fn: InvariantCheck) -> InvariantCheck:
    """Add a check to `certification_invariant_problems` (once)."""
    if fn not in INVARIANT_CHECKS:
        INVARIANT_CHECKS.append(fn)
    return fn


invariant_check = register_invariant_check


def certification_invariant_problems(*, today: date | None = None) -> list[str]:
    """Every impossible state found, one sentence each (empty when all is well)."""
    today = today or clock.today()
    problems: list[str] = []
    for check in INVARIANT_CHECKS:
        problems.extend(check(today))
    return problems


def _current(today: date):
    return Certification.objects.filter(issued_on__lte=today).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=today),
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=today),
    )


@invariant_check
def valid_through_is_a_jun_30(today: date) -> list[str]:
    wrong = Certification.objects.exclude(valid_through__month=6, valid_through__day=30)
    return [
        f"{number}: valid through {valid_through.isoformat()}, which is not a June 30."
        for number, valid_through in wrong.values_list("number", "valid_through")
    ]


def _calendar_event(verb: str):
    return CertificationEvent.objects.filter(certification=OuterRef("pk"), verb=verb)


@invariant_check
def past_valid_through_has_its_calendar_events(today: date) -> list[str]:
    """A certificate past its valid-through (once the Jul 1 job should have run) has its
    "suspended" event, and past the Jan 1 after it its "terminated" event: otherwise it still
    looks active in its history (and nobody was told)."""
    checked_by = today - JOB_GRACE
    lapsed = _current(today).filter(valid_through__lt=checked_by)
    rows = lapsed.annotate(
        suspended=Exists(_calendar_event("suspended")),
        terminated=Exists(_calendar_event("terminated")),
    ).values_list("number", "valid_through", "suspended", "terminated")
    problems = []
    for number, valid_through, suspended, terminated in rows:
        due_to_terminate = date(valid_through.year + 1, 1, 1) <= checked_by
        if due_to_terminate and not terminated:
            problems.append(
                f"{number}: not renewed since {valid_through.isoformat()} and still without a "
                "termination event after the Jan 1 job should have run."
            )
        elif not (suspended or terminated):
            problems.append(
                f"{number}: active-looking past its valid-through {valid_through.isoformat()}: "
                "no suspension event after the Jul 1 job should have run."
            )
    return problems


def _chain_problems(number: str, events: list[CertificationEvent]) -> list[str]:
    problems, state, last_effective = [], None, None
    for event in events:
        if event.effective_on is not None:
            if last_effective is not None and event.effective_on < last_effective:
                problems.append(
                    f"{number}: events out of order: {event.verb} effective "
                    f"{event.effective_on.isoformat()} after one effective "
                    f"{last_effective.isoformat()}."
                )
            last_effective = event.effective_on
        if event.to_state == "active" and event.verb not in ACTIVATING_VERBS:
            problems.append(f"{number}: became active by {event.verb}, not by an issue or renewal.")
            continue
        if event.verb not in STATUS_VERBS:
            continue
        if state is None and event.verb != "issued":
            problems.append(f"{number}: its history starts with {event.verb}, not issued.")
        elif state in FINAL_STATES:
            problems.append(f"{number}: {event.verb} after it was {state}.")
        elif state == "terminated" and event.verb not in ACTIVATING_VERBS | {"revoked"}:
            problems.append(f"{number}: {event.verb} after it was terminated.")
        elif state is not None and event.from_state and event.from_state != state:
            problems.append(
                f"{number}: {event.verb} from {event.from_state}, but it was {state} then."
            )
        state = event.to_state or state
    return problems


@invariant_check
def event_chains_are_possible(today: date) -> list[str]:
    """Each certificate's history, in order, is a possible path: issued first; nothing after
    revoked or superseded; active again only by an issue or renewal (never after termination
    by anything else); each event starts from the state the one before left; dated events in
    date order."""
    events = (
        CertificationEvent.objects.select_related("certification")
        .only("verb", "from_state", "to_state", "effective_on", "certification__number")
        .order_by("certification_id", "at", "pk")
    )
    problems = []
    for _, group in groupby(events.iterator(chunk_size=2000), key=lambda e: e.certification_id):
        chain = list(group)
        problems.extend(_chain_problems(chain[0].certification.number, chain))
    return problems


@invariant_check
def one_current_certification_per_holder_and_level(today: date) -> list[str]:
    """Nobody holds two current (active or suspended) certificates at the same level."""
    current = _current(today).filter(valid_through__gte=date(today.year, 1, 1))
    doubled = (
        current.order_by()
        .values("holder_id", "level")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("holder_id", "level")
    )
    problems = []
    for holder_id, level in doubled:
        numbers = sorted(
            current.filter(holder_id=holder_id, level=level).values_list("number", flat=True)
        )
        problems.append(f"{', '.join(numbers)}: one holder with two current {level} certificates.")
    return problems


@invariant_check
def revocations_have_a_reason(today: date) -> list[str]:
    revoked = Certification.objects.filter(revoked_on__isnull=False).filter(
        Q(revocation_reason__regex=r"^\s*$") | Q(revoked_by__isnull=True)
    )
    return [
        f"{number}: revoked without a reason or without who revoked it."
        for number in revoked.values_list("number", flat=True)
    ]


@invariant_check
def supersessions_name_their_successor(today: date) -> list[str]:
    odd = Certification.objects.filter(
        Q(superseded_on__isnull=False, superseded_by__isnull=True)
        | Q(superseded_on__isnull=True, superseded_by__isnull=False)
    )
    return [
        f"{number}: superseded without its successor (or the other way round)."
        for number in odd.values_list("number", flat=True)
    ]


@invariant_check
def renewals_are_possible(today: date) -> list[str]:
    """The renewal checks (approved without its fee or CEUs, an audited renewal approved with a
    rejected or missing document, submitted without payment)."""
    from certification.selectors.renewals import renewal_invariant_problems

    return renewal_invariant_problems()
