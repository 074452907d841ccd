"""The home page's fee and deadline, read from the policy (`CertificationPolicy`) each time:
contributed to `lms.models.HomePage` through the "home_page_facts" hook."""

from __future__ import annotations

from wagtail import hooks

from enrollment.selectors.applications import policy_get


@hooks.register("home_page_facts")
def policy_facts() -> list[str]:
    policy = policy_get()
    fee = f"${policy.day_fee:,.2f}".replace(".00", "")
    return [
        f"The classroom fee is {fee} per day, paid online before you book the day.",
        f"Finish within {policy.application_valid_months} months of submitting your "
        "application, or it expires.",
    ]
