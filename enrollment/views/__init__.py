"""Enrollment's pages, by sub-domain: applications (self-check, the application form, uploads,
the dashboard) and the classroom (booking, waitlists, the trainer's rosters)."""
