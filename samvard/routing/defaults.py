"""The packaged default routing (defaults.yaml): one validated configuration per region."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml

from samvard.routing.schemas import RoutingConfig


@cache
def _defaults() -> dict[str, RoutingConfig]:
    text = files("samvard.routing").joinpath("defaults.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    configs = [RoutingConfig.model_validate(entry) for entry in data["regions"]]
    by_region = {config.region_code: config for config in configs}
    if len(by_region) != len(configs):
        raise ValueError("defaults.yaml: a region appears twice")
    return by_region


def default_config(region_code: str) -> RoutingConfig | None:
    """The packaged default for the region, None for an unknown region code."""
    return _defaults().get(region_code)


def default_region_codes() -> list[str]:
    """The regions the defaults cover, in code order."""
    return sorted(_defaults())
