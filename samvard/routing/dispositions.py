"""The dispositions routing maps to channels: the triage package's own enum, re-exported.

Routing only needs the names of the next steps; the triage engine decides them.
"""

from __future__ import annotations

from samvard.triage.levels import Disposition

__all__ = ["Disposition"]
