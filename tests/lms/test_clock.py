from datetime import UTC, date, datetime

from lms import clock


def test_today_is_chicago_date_not_utc():
    # 03:00 UTC on Jan 2 is still 21:00 on Jan 1 in Chicago (UTC-6 in winter).
    with clock.frozen_at(datetime(2027, 1, 2, 3, 0, tzinfo=UTC)):
        assert clock.today() == date(2027, 1, 1)
    # In summer Chicago is UTC-5: 05:30 UTC on Jul 1 is 00:30 Jul 1 local.
    with clock.frozen_at(datetime(2027, 7, 1, 5, 30, tzinfo=UTC)):
        assert clock.today() == date(2027, 7, 1)


def test_frozen_at_a_date_and_restores_afterwards():
    real = clock.now()
    with clock.frozen_at(date(2026, 8, 31)):
        assert clock.today() == date(2026, 8, 31)
        assert clock.now().tzinfo is not None
    assert abs((clock.now() - real).total_seconds()) < 60
