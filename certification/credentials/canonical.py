"""Strict RDF Dataset Canonicalization (RDFC-1.0 / URDNA2015) over vendored contexts only.

Invariants:
- JSON-LD contexts come only from ``contexts/`` in this package (see its README); the
  document loader refuses every other URL, so nothing is ever fetched at run time.
- A document whose terms the contexts do not define is refused before it can be signed or
  believed (Data Integrity "dataset poisoning"): a dropped property, an undefined ``type``
  value, an inline ``@context`` object or a relative ``id`` raises `UndefinedTermError`.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader

CONTEXTS_DIR = Path(__file__).parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

#: URL → vendored file. The only contexts a credential may use.
VENDORED_CONTEXTS: Mapping[str, Path] = {
    VC_V2: CONTEXTS_DIR / "credentials-v2.jsonld",
    OB_V3: CONTEXTS_DIR / "ob-context-3.0.3.json",
}


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized (bad JSON-LD or a context that is not vendored)."""


class UndefinedTermError(CanonicalizationError):
    """The document uses terms its contexts do not define; `terms` lists them."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = sorted(set(terms))
        super().__init__("Terms not defined by the credential's contexts: " + ", ".join(self.terms))


@cache
def _vendored_documents() -> dict[str, dict[str, Any]]:
    return {url: json.loads(path.read_text("utf-8")) for url, path in VENDORED_CONTEXTS.items()}


def document_loader(extra: Mapping[str, dict[str, Any]] | None = None) -> FrozenDocumentLoader:
    """A loader that serves the vendored contexts (plus `extra`, for tests) and refuses the rest."""
    return FrozenDocumentLoader(documents={**_vendored_documents(), **(extra or {})})


def _nested_context(node: Any) -> bool:
    if isinstance(node, list):
        return any(_nested_context(item) for item in node)
    if isinstance(node, Mapping):
        return "@context" in node or any(_nested_context(v) for v in node.values())
    return False


def _check_contexts(document: Mapping[str, Any]) -> None:
    """Only context URLs at the top: an inline or nested ``@context`` could define new terms."""
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    inline = [c for c in contexts if not isinstance(c, str)]
    nested = any(_nested_context(v) for k, v in document.items() if k != "@context")
    if inline or nested:
        raise UndefinedTermError(["@context (inline context objects are not accepted)"])


def _undefined_in_expanded(node: Any, found: list[str]) -> None:
    """Collect `@type` values and `@id`s that did not expand to absolute IRIs."""
    if isinstance(node, list):
        for item in node:
            _undefined_in_expanded(item, found)
        return
    if not isinstance(node, dict):
        return
    for type_ in node.get("@type", []) if isinstance(node.get("@type"), list) else []:
        if ":" not in type_:
            found.append(f"type {type_}")
    node_id = node.get("@id")
    if isinstance(node_id, str) and ":" not in node_id:
        found.append(f"id {node_id}")
    for key, value in node.items():
        if key not in ("@type", "@id", "@value"):
            _undefined_in_expanded(value, found)


def canonicalize(
    document: Mapping[str, Any], *, extra_contexts: Mapping[str, dict[str, Any]] | None = None
) -> str:
    """The RDFC-1.0 canonical N-Quads of `document`.

    Raises `UndefinedTermError` when any term is undefined, and `CanonicalizationError` when
    the JSON-LD is invalid or names a context that is not vendored.
    """
    _check_contexts(document)
    loader = document_loader(extra_contexts)
    dropped: list[str] = []
    # pyld resolves relative IRIs against "http://example.org/base/" unless told otherwise,
    # which would turn an undefined type into a plausible-looking IRI: resolve against nothing.
    options = {"documentLoader": loader, "base": None}
    try:
        expanded = jsonld.expand(
            dict(document), options, on_property_dropped=lambda t: dropped.append(str(t))
        )
        _undefined_in_expanded(expanded, dropped)
        if dropped:
            raise UndefinedTermError(dropped)
        return jsonld.normalize(
            dict(document),
            {"algorithm": "URDNA2015", "format": "application/n-quads", **options},
        )
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"The document is not valid JSON-LD here: {error}") from error
