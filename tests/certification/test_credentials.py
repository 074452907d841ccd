"""Signed credentials: the W3C eddsa-rdfc-2022 test vector, Open Badges 3.0 certificates checked
by an independent verifier against the issuer's did.json, status lists, did:web and key custody.

The vectors under vectors/ are W3C's (see vectors/README.md). No database is needed.
"""

import base64
import copy
import gzip
import json
import os
import socket
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured

from certification.credentials import canonical, keys, multibase, status_list
from certification.credentials.did import (
    assertion_public_key,
    did_document,
    did_web,
    verification_method_id,
)
from certification.credentials.issuer import issuer_for
from certification.credentials.openbadge import issue_openbadge_credential, openbadge_credential
from certification.credentials.proof import ProofError, proof_sign, proof_verify
from certification.credentials.verify import credential_check
from tests.readers import independently_verified

ROOT = Path(__file__).resolve().parents[2]
VECTORS = Path(__file__).parent / "vectors"
VECTOR = VECTORS / "eddsa-rdfc-2022"
EXAMPLES_V2 = {
    "https://www.w3.org/ns/credentials/examples/v2": json.loads(
        (VECTORS / "credentials-examples-v2.jsonld").read_text()
    )
}
BASE = "https://bhcm.example.org"
NUMBER = "BHCM-2026-000123"


def _vector_key() -> Ed25519PrivateKey:
    pair = json.loads((VECTOR / "keyPair.json").read_text())
    seed = multibase.ed25519_seed_from_multikey(pair["privateKeyMultibase"])
    return Ed25519PrivateKey.from_private_bytes(seed)


# --- The W3C test vector, byte for byte -------------------------------------------------------


def test_vector_key_pair_is_read_as_published():
    pair = json.loads((VECTOR / "keyPair.json").read_text())
    raw = _vector_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert multibase.ed25519_public_multikey(raw) == pair["publicKeyMultibase"]


def test_vector_canonical_document_equals_canon_doc_data_int():
    unsigned = json.loads((VECTOR / "unsigned.json").read_text())
    nquads = canonical.canonicalize(unsigned, extra_contexts=EXAMPLES_V2)
    assert nquads == (VECTOR / "canonDocDataInt.txt").read_text()


@pytest.mark.parametrize("folder", ["eddsa-rdfc-2022", "eddsa-rdfc-2022-vc-example"])
def test_vector_canonical_proof_configuration_equals_proof_canon(folder):
    config = json.loads((VECTORS / folder / "proofConfigDataInt.json").read_text())
    nquads = canonical.canonicalize(config, extra_contexts=EXAMPLES_V2)
    assert nquads == (VECTORS / folder / "proofCanonDataInt.txt").read_text()


@pytest.mark.parametrize("folder", ["eddsa-rdfc-2022", "eddsa-rdfc-2022-vc-example"])
def test_signer_reproduces_the_signed_vector(folder):
    unsigned = json.loads((VECTOR / "unsigned.json").read_text())
    expected = json.loads((VECTORS / folder / "signedDataInt.json").read_text())
    signed = proof_sign(
        unsigned,
        private_key=_vector_key(),
        verification_method=expected["proof"]["verificationMethod"],
        created=expected["proof"]["created"],
        extra_contexts=EXAMPLES_V2,
    )
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert signed == expected
    assert "proof" not in unsigned  # the input is left untouched


def test_vector_verifies_and_fails_once_altered():
    signed = json.loads((VECTOR / "signedDataInt.json").read_text())
    public = _vector_key().public_key()
    assert proof_verify(signed, public_key=public, extra_contexts=EXAMPLES_V2)
    signed["credentialSubject"]["alumniOf"] = "Another School"
    assert not proof_verify(signed, public_key=public, extra_contexts=EXAMPLES_V2)


# --- An independent verifier, written here: canonicalize, hash, Ed25519 --------------------


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did = did_web(BASE)
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"key": key, "did": did, "did_json": did_document(did=did, public_key=raw)}


def _entries():
    return [
        status_list.status_list_entry(
            list_url=f"{BASE}/credentials/status/{purpose}", index=4711, purpose=purpose
        )
        for purpose in ("suspension", "revocation")
    ]


def _certificate_data(issuer) -> dict:
    return {
        "number": NUMBER,
        "holder_name": "Dana Whitehorse",
        "level": "CM II",
        "issued_on": date(2026, 2, 1),
        "valid_through": date(2027, 6, 30),
        "endorsements": ["Intensive Case Manager", "Wraparound Facilitator"],
        "issuer_did": issuer["did"],
        "base_url": BASE,
        "status_entries": _entries(),
    }


@pytest.fixture
def certificate(issuer):
    return issue_openbadge_credential(
        private_key=issuer["key"],
        verification_method=verification_method_id(issuer["did"]),
        created=datetime(2026, 2, 1, 15, 30, tzinfo=UTC),
        **_certificate_data(issuer),
    )


def test_issued_credential_is_an_open_badge_certification(certificate):
    assert certificate["@context"] == [canonical.VC_V2, canonical.OB_V3]
    assert certificate["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = certificate["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "Certification"
    assert subject["licenseNumber"] == NUMBER
    assert subject["identifier"][0]["identityHash"] == "Dana Whitehorse"
    assert [r["value"] for r in subject["result"]] == [
        "Intensive Case Manager",
        "Wraparound Facilitator",
    ]
    # Jun 30 ends at midnight in Oklahoma (CDT, UTC-5); Feb 1 starts at 06:00 UTC (CST).
    assert certificate["validFrom"] == "2026-02-01T06:00:00Z"
    assert certificate["validUntil"] == "2027-07-01T04:59:59Z"
    assert certificate["id"] == f"{BASE}/verify/{NUMBER}/credential.json"
    assert {e["statusPurpose"] for e in certificate["credentialStatus"]} == {
        "suspension",
        "revocation",
    }
    assert certificate["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert certificate["proof"]["created"] == "2026-02-01T15:30:00Z"


def test_issued_credential_verifies_independently_with_the_did_json_key(certificate, issuer):
    assert independently_verified(certificate, issuer["did_json"])
    key = assertion_public_key(issuer["did_json"], certificate["proof"]["verificationMethod"])
    assert proof_verify(certificate, public_key=key)


TAMPERINGS = {
    "validUntil": lambda c: c.update(validUntil="2031-07-01T04:59:59Z"),
    "validFrom": lambda c: c.update(validFrom="2025-02-01T06:00:00Z"),
    "licenseNumber": lambda c: c["credentialSubject"].update(licenseNumber="BHCM-2026-000124"),
    "holder name": lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Eve"),
    "level": lambda c: c["credentialSubject"]["achievement"].update(humanCode="CM I"),
    "endorsement": lambda c: c["credentialSubject"]["result"][0].update(value="Peer Recovery"),
    "status index": lambda c: c["credentialStatus"][0].update(statusListIndex="4712"),
    "issuer": lambda c: c["issuer"].update(id="did:web:evil.example"),
    "credential id": lambda c: c.update(id=f"{BASE}/verify/BHCM-2026-999999/credential.json"),
    "proof created": lambda c: c["proof"].update(created="2026-02-02T15:30:00Z"),
    "proof purpose": lambda c: c["proof"].update(proofPurpose="authentication"),
}


@pytest.mark.parametrize("field", sorted(TAMPERINGS))
def test_any_changed_field_fails_verification(certificate, issuer, field):
    tampered = copy.deepcopy(certificate)
    TAMPERINGS[field](tampered)
    assert tampered != certificate
    assert not independently_verified(tampered, issuer["did_json"])
    assert not proof_verify(tampered, public_key=issuer["key"].public_key())


def test_another_key_does_not_verify(certificate):
    assert not proof_verify(certificate, public_key=Ed25519PrivateKey.generate().public_key())


def test_a_key_not_listed_for_assertions_is_not_trusted(issuer):
    doc = copy.deepcopy(issuer["did_json"])
    doc["assertionMethod"] = []
    with pytest.raises(ValueError, match="not listed for assertions"):
        assertion_public_key(doc, verification_method_id(issuer["did"]))


def test_a_document_without_proof_is_reported_as_such(certificate):
    unsigned = {k: v for k, v in certificate.items() if k != "proof"}
    with pytest.raises(ProofError):
        proof_verify(unsigned, public_key=Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ProofError, match="already has a proof"):
        proof_sign(
            certificate,
            private_key=Ed25519PrivateKey.generate(),
            verification_method="x",
            created="y",
        )


# --- Refusing what the contexts do not define, and anything not vendored ---------------------


def test_undefined_term_is_refused_before_signing(issuer):
    credential = openbadge_credential(**_certificate_data(issuer))
    credential["credentialSubject"]["billingModifier"] = "HN"
    with pytest.raises(canonical.UndefinedTermError) as refused:
        proof_sign(
            credential,
            private_key=issuer["key"],
            verification_method=verification_method_id(issuer["did"]),
            created="2026-02-01T15:30:00Z",
        )
    assert refused.value.terms == ["billingModifier"]


def test_undefined_type_and_inline_context_are_refused(issuer):
    credential = openbadge_credential(**_certificate_data(issuer))
    credential["type"].append("BillingCredential")
    with pytest.raises(canonical.UndefinedTermError, match="BillingCredential"):
        canonical.canonicalize(credential)
    inline = openbadge_credential(**_certificate_data(issuer))
    inline["@context"].append({"billingModifier": "https://evil.example/#modifier"})
    with pytest.raises(canonical.UndefinedTermError, match="inline"):
        canonical.canonicalize(inline)


def test_a_context_that_is_not_vendored_is_never_fetched(issuer, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("canonicalization tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    credential = openbadge_credential(**_certificate_data(issuer))
    credential["@context"].append("https://evil.example/context.json")
    with pytest.raises(canonical.CanonicalizationError, match="not valid JSON-LD here"):
        canonical.canonicalize(credential)
    # The vector's examples context is only known to the tests, never to the application.
    unsigned = json.loads((VECTOR / "unsigned.json").read_text())
    with pytest.raises(canonical.CanonicalizationError):
        canonical.canonicalize(unsigned)


def test_bad_builder_input_is_refused(issuer):
    data = _certificate_data(issuer)
    with pytest.raises(ValueError, match="Unknown level"):
        openbadge_credential(**{**data, "level": "CM III"})
    with pytest.raises(ValueError, match="end before"):
        openbadge_credential(**{**data, "valid_through": date(2025, 6, 30)})


# --- Bitstring Status List ------------------------------------------------------------------


def test_encoded_list_is_gzip_base64url_without_padding_left_most_bit_first():
    encoded = status_list.encode_status_list([0, 9, 131_071])
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    raw = gzip.decompress(multibase.from_multibase_b64url(encoded))
    assert len(raw) * 8 == 131_072
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    assert status_list.indexes_set(encoded) == [0, 9, 131_071]


def test_status_list_rejects_short_lists_and_bad_indexes():
    with pytest.raises(ValueError):
        status_list.encode_status_list([], size=1024)
    with pytest.raises(ValueError):
        status_list.encode_status_list([131_072])
    short = multibase.multibase_b64url(gzip.compress(bytes(1024)))
    with pytest.raises(status_list.StatusListError) as error:
        status_list.decode_status_list(short)
    assert error.value.code == "STATUS_LIST_LENGTH_ERROR"
    with pytest.raises(status_list.StatusListError) as error:
        status_list.status_bit(bytes(16_384), 131_072)
    assert error.value.code == "RANGE_ERROR"
    with pytest.raises(ValueError, match="Unknown status purpose"):
        status_list.status_list_entry(list_url="https://x.example/l", index=1, purpose="billing")


def _published_list(issuer, suspended: list[int]) -> dict:
    return status_list.status_list_credential(
        list_url=f"{BASE}/credentials/status/suspension",
        issuer=issuer["did"],
        purpose="suspension",
        set_indexes=suspended,
        valid_from="2026-07-01T05:00:00Z",
        private_key=issuer["key"],
        verification_method=verification_method_id(issuer["did"]),
        ttl_ms=300_000,
    )


def test_setting_a_suspension_bit_shows_in_the_published_list(certificate, issuer):
    entry = next(e for e in certificate["credentialStatus"] if e["statusPurpose"] == "suspension")
    public = issuer["key"].public_key()
    before = _published_list(issuer, suspended=[12])
    assert not status_list.credential_status_set(
        entry, before, public_key=public, issuer=issuer["did"]
    )
    after = _published_list(issuer, suspended=[12, int(entry["statusListIndex"])])
    assert after["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert after["credentialSubject"]["statusPurpose"] == "suspension"
    assert independently_verified(after, issuer["did_json"])
    assert status_list.credential_status_set(entry, after, public_key=public, issuer=issuer["did"])
    decoded = status_list.decode_status_list(after["credentialSubject"]["encodedList"])
    assert status_list.status_bit(decoded, 4711) and not status_list.status_bit(decoded, 4710)


def test_reading_a_status_fails_closed(certificate, issuer):
    entries = {e["statusPurpose"]: e for e in certificate["credentialStatus"]}
    public = issuer["key"].public_key()
    published = _published_list(issuer, suspended=[])
    forged = copy.deepcopy(published)
    forged["credentialSubject"]["encodedList"] = status_list.encode_status_list([])
    forged["credentialSubject"]["ttl"] = 1
    for wrong, entry in [
        (forged, entries["suspension"]),  # altered after signing
        (published, entries["revocation"]),  # another list / purpose
    ]:
        with pytest.raises(status_list.StatusListError) as error:
            status_list.credential_status_set(entry, wrong, public_key=public, issuer=issuer["did"])
        assert error.value.code == "STATUS_VERIFICATION_ERROR"
    with pytest.raises(status_list.StatusListError):
        status_list.credential_status_set(
            entries["suspension"], published, public_key=public, issuer="did:web:other.example"
        )


def test_random_status_index_avoids_taken_entries():
    taken = set(range(0, 131_072, 2))
    picks = {status_list.random_status_index(taken) for _ in range(200)}
    assert all(i % 2 == 1 and 0 <= i < 131_072 for i in picks)
    assert len(picks) > 150  # spread out, not sequential
    with pytest.raises(ValueError, match="full"):
        status_list.random_status_index(set(range(131_072)))


# --- did:web ----------------------------------------------------------------------------------


def test_did_web_and_its_document():
    assert did_web("https://bhcm.example.org/") == "did:web:bhcm.example.org"
    assert did_web("http://127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"
    with pytest.raises(ValueError, match="site root"):
        did_web("https://bhcm.example.org/certs")
    raw = bytes(range(32))
    doc = did_document(did="did:web:bhcm.example.org", public_key=raw)
    method = doc["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["controller"] == doc["id"] == "did:web:bhcm.example.org"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert multibase.from_multibase_b58(method["publicKeyMultibase"]) == b"\xed\x01" + raw
    assert doc["assertionMethod"] == [method["id"]] == ["did:web:bhcm.example.org#key-1"]


def test_multibase_round_trips_and_refuses_garbage():
    for data in [b"", b"\0\0abc", os.urandom(64)]:
        assert multibase.b58decode(multibase.b58encode(data)) == data
    with pytest.raises(ValueError):
        multibase.b58decode("0OIl")
    with pytest.raises(ValueError):
        multibase.ed25519_public_from_multikey(multibase.multibase_b58(b"\x80\x26" + bytes(32)))


# --- Key custody ------------------------------------------------------------------------------


def test_dev_key_is_generated_once_into_a_private_file(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "var" / "credential-signing-key"
    first = keys.signing_key()
    path = settings.CREDENTIAL_SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.public_key_bytes(keys.signing_key()) == keys.public_key_bytes(first)
    assert path.read_text().strip().startswith("z3u2")


def test_key_from_the_environment_in_either_encoding(settings):
    key = Ed25519PrivateKey.generate()
    as_multikey = keys.private_key_to_text(key)
    seed = multibase.ed25519_seed_from_multikey(as_multikey)
    settings.CREDENTIAL_SIGNING_KEY_FILE = None
    for text in [
        as_multikey,
        base64.b64encode(seed).decode(),
        base64.urlsafe_b64encode(seed).decode(),
    ]:
        settings.CREDENTIAL_SIGNING_KEY = text
        assert keys.public_key_bytes(keys.signing_key()) == keys.public_key_bytes(key)
    settings.CREDENTIAL_SIGNING_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured, match="32-byte"):
        keys.signing_key()


def test_a_base64_seed_that_starts_with_z_is_not_taken_for_a_multikey(settings):
    """One random base64 seed in 64 starts with "z", the Multikey prefix: it is still read as
    the seed it is (this test's random key above failed that way once in a while)."""
    seed = bytes([0xCF]) + bytes(range(31))
    key = Ed25519PrivateKey.from_private_bytes(seed)
    settings.CREDENTIAL_SIGNING_KEY_FILE = None
    for text in (base64.b64encode(seed).decode(), base64.urlsafe_b64encode(seed).decode()):
        assert text.startswith("z")
        settings.CREDENTIAL_SIGNING_KEY = text
        assert keys.public_key_bytes(keys.signing_key()) == keys.public_key_bytes(key)
    # A Multikey cut short is refused with the Multikey's reason.
    broken = keys.private_key_to_text(key)[:-3]
    settings.CREDENTIAL_SIGNING_KEY = broken
    with pytest.raises(ImproperlyConfigured, match="Multikey"):
        keys.signing_key()


def test_without_a_key_signing_is_refused(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="Set the CREDENTIAL_SIGNING_KEY"):
        keys.signing_key()


def test_production_has_no_key_default_and_no_key_file():
    from tests.factories.enrollment import EXAMPLE_ENV
    from tests.factories.enrollment import manage_production as _manage

    without_key = {k: v for k, v in EXAMPLE_ENV.items() if k != "CREDENTIAL_SIGNING_KEY"}
    result = _manage("check", env=without_key)
    assert result.returncode != 0
    assert "Set the CREDENTIAL_SIGNING_KEY" in result.stdout + result.stderr


# --- The verifier's side: credential_check, and the issuer value ------------------------------


def test_nested_inline_context_is_refused(issuer):
    credential = openbadge_credential(**_certificate_data(issuer))
    credential["credentialSubject"]["@context"] = {"billingModifier": "https://evil.example/#m"}
    credential["credentialSubject"]["billingModifier"] = "HN"
    with pytest.raises(canonical.UndefinedTermError, match="inline"):
        canonical.canonicalize(credential)


def _lists(issuer, suspended=(), revoked=()):
    made = {}
    for purpose, indexes in (("suspension", suspended), ("revocation", revoked)):
        url = f"{BASE}/credentials/status/{purpose}"
        made[url] = status_list.status_list_credential(
            list_url=url,
            issuer=issuer["did"],
            purpose=purpose,
            set_indexes=indexes,
            valid_from="2026-07-01T05:00:00Z",
            private_key=issuer["key"],
            verification_method=verification_method_id(issuer["did"]),
        )
    return made


AT = datetime(2026, 8, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "lists, at, accepted, why",
    [
        ({}, AT, True, "active"),
        ({"suspended": [4711]}, AT, False, "suspended"),
        ({"revoked": [4711]}, AT, False, "revoked"),
        ({"suspended": [4712], "revoked": [1]}, AT, True, "other entries set"),
        ({}, datetime(2027, 7, 1, 5, tzinfo=UTC), False, "expired"),
        ({}, datetime(2027, 7, 1, 4, 59, 59, tzinfo=UTC), True, "last second of Jun 30"),
        ({}, datetime(2026, 2, 1, 5, 59, tzinfo=UTC), False, "not yet valid"),
    ],
)
def test_credential_check(certificate, issuer, lists, at, accepted, why):
    check = credential_check(
        certificate, did_document=issuer["did_json"], status_lists=_lists(issuer, **lists), at=at
    )
    assert check.signed and check.accepted is accepted, why
    assert check.suspended is (4711 in lists.get("suspended", []))
    assert check.revoked is (4711 in lists.get("revoked", []))


def test_credential_check_fails_closed(certificate, issuer):
    lists = _lists(issuer)
    missing = {k: v for k, v in lists.items() if "revocation" in k}
    check = credential_check(
        certificate, did_document=issuer["did_json"], status_lists=missing, at=AT
    )
    assert not check.accepted and check.suspended is None
    assert check.problems[0].startswith("STATUS_RETRIEVAL_ERROR")
    other = did_document(did=issuer["did"], public_key=bytes(32))
    check = credential_check(certificate, did_document=other, status_lists=lists, at=AT)
    assert not check.signed and not check.accepted
    tampered = copy.deepcopy(certificate)
    tampered["validUntil"] = "2031-07-01T04:59:59Z"
    check = credential_check(tampered, did_document=issuer["did_json"], status_lists=lists, at=AT)
    assert check.problems == ("The signature does not match the credential.",)


def test_issuer_for_a_site_root(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_SIGNING_KEY_FILE = tmp_path / "key"
    site = issuer_for("http://127.0.0.1:8000/")
    assert site.did == "did:web:127.0.0.1%3A8000"
    assert site.verification_method == "did:web:127.0.0.1%3A8000#key-1"
    assert "private_key" not in repr(site)
    doc = site.did_document()
    assert assertion_public_key(doc, site.verification_method).public_bytes(
        Encoding.Raw, PublicFormat.Raw
    ) == keys.public_key_bytes(site.private_key)


def test_a_hostile_status_list_cannot_exhaust_memory():
    bomb = multibase.multibase_b64url(gzip.compress(bytes(64 * 1024 * 1024)))
    with pytest.raises(status_list.StatusListError) as error:
        status_list.decode_status_list(bomb)
    assert error.value.code == "STATUS_VERIFICATION_ERROR"
    truncated = multibase.multibase_b64url(gzip.compress(bytes(16_384))[:-12])
    with pytest.raises(status_list.StatusListError):
        status_list.decode_status_list(truncated)
