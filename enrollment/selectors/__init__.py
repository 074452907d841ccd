"""Enrollment's reads, by sub-domain: applications (the policy, an applicant's own applications
and uploads, the track options), the applicant dashboard assembled from the steps each app
registers (`dashboard`), and the classroom (sessions, seats, bookings, waitlists, rosters)."""
