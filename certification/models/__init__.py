"""People's certification records (plain Django models), one module per sub-domain as they
arrive (`agencies.py`, `certificates.py`, `renewals.py`), each re-exported here."""

__all__: list[str] = []
