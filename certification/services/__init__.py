"""Writes for certification, one module per sub-domain (`services/renewals.py`, …): each
public service is `<entity>_<verb>(*, ...)`, locks its row, is a no-op when already done and
writes an audit event (`lms.services.audit_record`)."""
