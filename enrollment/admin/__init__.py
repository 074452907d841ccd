"""Enrollment's staff back office in the Wagtail admin, by sub-domain: applications (the review
queue, the detail page and the decisions), sessions (classroom sessions, rosters, attendance),
the confirmation step a consequential decision asks for (`confirm`), their forms and filters
(`forms`) and the admin home's "needs action" items (`panels`). Registered in
`enrollment/wagtail_hooks.py`."""
