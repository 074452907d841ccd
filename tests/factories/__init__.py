"""The tests' builders, one set, by app: `enrollment` (people, agencies, applications at a step,
paid days, sessions, calendar files, many rows at once, the policy form, a production process's
environment), `payments` (fake-provider events, Stripe-signed webhook posts), `courses` (decks,
images, training pages, a small curriculum), `exams` (items, candidates, signed-in clients, the
exam's clock), `certification` (applications ready to certify, employment, certified holders,
renewals, bulk certifications). Local servers (the Stripe stand-in) are in `tests/servers.py`,
file samples in `tests/samples.py`, readers of what the platform produces in `tests/readers.py`.
"""
