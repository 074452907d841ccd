"""Signed, verifiable certificates: pure building blocks (plain data in, JSON documents out).

- `openbadge`: the certification as an Open Badges 3.0 ``OpenBadgeCredential``, signed.
- `proof`: ``DataIntegrityProof`` / ``eddsa-rdfc-2022`` signing and verification.
- `canonical`: strict RDFC-1.0 over the contexts vendored in ``contexts/`` (never fetched).
- `status_list`: Bitstring Status Lists for suspension and revocation.
- `did`, `issuer`, `keys`: the issuer's did:web document, and the signing key's custody.
- `verify`: the verifier's fail-closed check of a credential at a moment.
"""
