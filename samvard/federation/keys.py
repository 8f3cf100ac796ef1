"""Node signing keys: Ed25519 JSON Web Keys (OKP), one private key per node.

Each node signs its requests (and the index node its sharing statements) with its own
private key; the others know its public key from the federation registry. A node without
a key file (a single node, its own index) derives a stable key from its secret key, so
every worker process of that node signs with the same key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

# RFC 9864 names the algorithm by its curve; the older polymorphic "EdDSA" is deprecated.
ALGORITHM = "Ed25519"
_PUBLIC_MEMBERS = ("kty", "crv", "x")


class NodeKeyError(ValueError):
    """A key that is missing, unreadable or not an Ed25519 key (message names no secret)."""


def generate_node_key() -> tuple[dict[str, Any], dict[str, Any]]:
    """A new key pair as (private JWK, public JWK), both with the same `kid`."""
    return _jwk_pair(Ed25519PrivateKey.generate())


def derived_node_key(secret: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A key pair derived from `secret`: the same secret gives the same key.

    Only for a node that federates with nobody: its statements are verified by itself.
    """
    seed = hashlib.sha256(b"samvard node key\x00" + secret.encode()).digest()
    return _jwk_pair(Ed25519PrivateKey.from_private_bytes(seed))


def _jwk_pair(private: Ed25519PrivateKey) -> tuple[dict[str, Any], dict[str, Any]]:
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    raw_private = private.private_bytes_raw()
    public = {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw_public)}
    public["kid"] = OKPKey.import_key(dict(public)).thumbprint()
    public["alg"] = ALGORITHM
    return {**public, "d": _b64(raw_private)}, public


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def import_private_key(jwk: dict[str, Any]) -> OKPKey:
    """The signing key from a private JWK (raises NodeKeyError)."""
    if not isinstance(jwk, dict) or "d" not in jwk:
        raise NodeKeyError("the node key is not a private JWK")
    return _import(jwk)


def import_public_key(jwk: dict[str, Any]) -> OKPKey:
    """A verification key from a public JWK; private members are refused (NodeKeyError).

    A registry is shared with every node, so a private key in it would be a leak.
    """
    if not isinstance(jwk, dict) or "d" in jwk:
        raise NodeKeyError("a registry key must be a public JWK without private members")
    return _import({k: jwk[k] for k in _PUBLIC_MEMBERS if k in jwk})


def _import(jwk: dict[str, Any]) -> OKPKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise NodeKeyError("node keys must be Ed25519 (kty OKP, crv Ed25519)")
    try:
        return OKPKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise NodeKeyError(f"unreadable Ed25519 key: {type(exc).__name__}") from None


def read_key_file(path: Path) -> OKPKey:
    """This node's signing key from a JSON file holding its private JWK."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NodeKeyError(f"cannot read the node key file: {type(exc).__name__}") from None
    return import_private_key(data)


def write_key_file(path: Path, jwk: dict[str, Any]) -> None:
    """Write a private JWK readable by the owner only (created with mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(jwk, file)
