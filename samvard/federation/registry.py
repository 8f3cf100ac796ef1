"""The federation registry: which nodes exist, where, whose records they hold, their keys.

A registry file (`SAMVARD_FEDERATION_FILE`) is the same on every node:

    {"nodes": [{"id": "region-stockholm", "base_url": "https://…", "index": false,
                "care_givers": ["SE2321000016"], "public_key": {…public JWK…}}]}

Without one, the node is alone: it is its own index and consent service, and every care
giver in its database is a local producer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc.jwk import OKPKey

from samvard.core.config import Settings
from samvard.federation import keys

_NODE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class RegistryError(ValueError):
    """The registry (or this node's place in it) is unusable; the message says why."""


@dataclass(frozen=True, kw_only=True)
class Node:
    """One node of the federation."""

    id: str
    base_url: str
    index: bool
    care_givers: frozenset[str]
    public_key: Mapping[str, Any]


@dataclass(frozen=True)
class Registry:
    """Every known node, with its verification key imported once."""

    nodes: tuple[Node, ...]
    _keys: dict[str, OKPKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        imported = {n.id: keys.import_public_key(dict(n.public_key)) for n in self.nodes}
        object.__setattr__(self, "_keys", imported)

    def get(self, node_id: str) -> Node | None:
        """The node called `node_id`, if registered."""
        return next((n for n in self.nodes if n.id == node_id), None)

    def key_for(self, node_id: str) -> OKPKey | None:
        """The public key a signature by `node_id` must verify with."""
        return self._keys.get(node_id)

    def index_node(self) -> Node:
        """The index and consent service (the first node marked `index`)."""
        for node in self.nodes:
            if node.index:
                return node
        raise RegistryError("the registry names no index node")

    def node_for_care_giver(self, hsa_id: str) -> Node | None:
        """The node whose database holds `hsa_id`'s records."""
        return next((n for n in self.nodes if hsa_id in n.care_givers), None)


def parse_registry(data: Any) -> Registry:
    """A registry from its JSON form; any problem raises RegistryError."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise RegistryError('the registry must be an object with a "nodes" list')
    nodes = tuple(_parse_node(item) for item in data["nodes"])
    ids = [n.id for n in nodes]
    if len(set(ids)) != len(ids):
        raise RegistryError("node ids must be unique")
    try:
        registry = Registry(nodes)
    except keys.NodeKeyError as exc:
        raise RegistryError(str(exc)) from None
    registry.index_node()
    return registry


def _parse_node(item: Any) -> Node:
    if not isinstance(item, dict):
        raise RegistryError("every node must be an object")
    node_id, base_url = item.get("id"), item.get("base_url")
    if not isinstance(node_id, str) or not _NODE_ID.match(node_id):
        raise RegistryError("a node id must be lower-case letters, digits and dashes")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise RegistryError(f"node {node_id}: base_url must be an http(s) address")
    care_givers = item.get("care_givers", [])
    if not isinstance(care_givers, list) or not all(isinstance(c, str) for c in care_givers):
        raise RegistryError(f"node {node_id}: care_givers must be a list of HSA-ids")
    public_key = item.get("public_key")
    if not isinstance(public_key, dict):
        raise RegistryError(f"node {node_id}: public_key must be a JWK object")
    return Node(
        id=node_id,
        base_url=base_url.rstrip("/"),
        index=item.get("index") is True,
        care_givers=frozenset(care_givers),
        public_key=public_key,
    )


def read_registry(path: Path) -> Registry:
    """The registry in the JSON file at `path`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the federation file: {type(exc).__name__}") from None
    return parse_registry(data)


@dataclass(frozen=True, kw_only=True)
class LocalNode:
    """This node: its id, its signing key and the registry it federates in."""

    node_id: str
    key: OKPKey
    registry: Registry
    # True without a federation file: this node is the whole federation.
    single: bool

    @property
    def me(self) -> Node:
        """This node's own registry entry."""
        node = self.registry.get(self.node_id)
        assert node is not None  # load_local_node refuses a registry without this node
        return node

    @property
    def is_index(self) -> bool:
        """True if this node is the index and consent service."""
        return self.me.index

    def holds(self, care_giver_hsaid: str) -> bool:
        """True if `care_giver_hsaid`'s records are in this node's database (if anywhere).

        A single node answers for every care giver it has; a federated node only for those
        the registry assigns to it.
        """
        return self.single or care_giver_hsaid in self.me.care_givers


def build_local_node(settings: Settings) -> LocalNode:
    """This node as the settings describe it (raises RegistryError or NodeKeyError)."""
    if settings.federation_file is None:
        private, public = keys.derived_node_key(settings.secret_key)
        me = Node(
            id=settings.node_id,
            base_url=settings.public_base_url.rstrip("/"),
            index=True,
            care_givers=frozenset(),
            public_key=public,
        )
        key = keys.import_private_key(private)
        return LocalNode(node_id=me.id, key=key, registry=Registry((me,)), single=True)
    registry = read_registry(settings.federation_file)
    me_entry = registry.get(settings.node_id)
    if me_entry is None:
        raise RegistryError(f"this node ({settings.node_id}) is not in the federation file")
    if settings.node_key_file is None:
        raise keys.NodeKeyError("a federated node needs SAMVARD_NODE_KEY_FILE")
    key = keys.read_key_file(settings.node_key_file)
    registered = registry.key_for(settings.node_id)
    if registered is None or registered.thumbprint() != key.thumbprint():
        raise RegistryError("this node's key does not match its public key in the registry")
    return LocalNode(node_id=settings.node_id, key=key, registry=registry, single=False)


_cache: dict[tuple[object, ...], LocalNode] = {}
_cache_lock = threading.Lock()


def load_local_node(settings: Settings) -> LocalNode:
    """`build_local_node`, read once per process for the same settings."""
    cache_key = (
        settings.node_id,
        settings.federation_file,
        settings.node_key_file,
        settings.secret_key,
        settings.public_base_url,
    )
    with _cache_lock:
        node = _cache.get(cache_key)
        if node is None:
            node = _cache[cache_key] = build_local_node(settings)
        return node
