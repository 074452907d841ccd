"""Certification staff's back office in the Wagtail admin, one module per sub-domain:
`agencies.py` (verification requests, agency users), `certificates.py` (ready to certify,
certificates, revocation, endorsements). Registered in `certification/wagtail_hooks.py`."""
