"""Audit the changes people make to their own sign-in: allauth's account and MFA signals become
audit events on the user (verb, who, when; no addresses or secrets). Connected in LmsConfig."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from lms.services import audit_record

# allauth signal -> audit verb.
ACCOUNT_EVENTS = {
    account_signals.user_signed_up: "account.signed_up",
    account_signals.email_confirmed: "account.email_confirmed",
    account_signals.email_added: "account.email_added",
    account_signals.email_removed: "account.email_removed",
    account_signals.email_changed: "account.primary_email_changed",
    account_signals.password_set: "account.password_set",
    account_signals.password_changed: "account.password_changed",
    account_signals.password_reset: "account.password_reset",
    mfa_signals.authenticator_added: "account.mfa_added",
    mfa_signals.authenticator_removed: "account.mfa_removed",
    mfa_signals.authenticator_reset: "account.mfa_reset",
}


def _receiver(verb: str):
    def receive(sender, request=None, user=None, **kwargs):
        if user is None:
            address = kwargs.get("email_address")
            user = address.user if address is not None else None
        if user is None or user.pk is None:
            return
        authenticator = kwargs.get("authenticator")
        by_someone_else = request is not None and request.user.is_authenticated
        audit_record(
            actor=request.user if by_someone_else else user,
            verb=verb,
            obj=user,
            to_state=getattr(authenticator, "type", "") if authenticator is not None else "",
        )

    return receive


_RECEIVERS = {signal: _receiver(verb) for signal, verb in ACCOUNT_EVENTS.items()}


def connect() -> None:
    for signal, receiver in _RECEIVERS.items():
        signal.connect(receiver, dispatch_uid=f"lms.account_audit.{ACCOUNT_EVENTS[signal]}")
