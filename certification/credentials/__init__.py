"""Signed, verifiable certificates: Open Badges 3.0 credentials with eddsa-rdfc-2022 proofs,
Bitstring Status Lists, the issuer's did:web document and the signing key's custody.

Pure building blocks (plain data in, JSON documents out); the certification models, views and
URLs build on them. JSON-LD contexts are vendored in ``contexts/`` and never fetched.
"""
