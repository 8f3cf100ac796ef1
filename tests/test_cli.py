"""The `samvard` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from samvard.core import audit
from samvard.core.db import make_engine, make_session_factory
from tests.conftest import Database

SAMVARD = [sys.executable, "-m", "samvard.cli"]


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SAMVARD, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_production_mode_with_test_logins_refuses_to_start(tmp_path: Path) -> None:
    env = {
        "SAMVARD_MODE": "production",
        "SAMVARD_TEST_LOGINS": "true",
        "SAMVARD_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }
    result = run(["serve", "--port", "1"], env)
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "test logins" in result.stderr


def _migrated_with_entries(env: dict[str, str], count: int) -> Engine:
    """`samvard migrate` as a process, then `count` audit entries."""
    assert run(["migrate"], env).returncode == 0
    engine = make_engine(env["SAMVARD_DATABASE_URL"])
    with make_session_factory(engine).begin() as session:
        for n in range(count):
            record = audit.AuditRecord(
                actor_kind="system",
                actor_id="cli-test",
                action="read",
                resource="x",
                outcome="allowed",
                reason=f"r{n}",
            )
            audit.append(session, record)
    return engine


def test_migrate_then_audit_verify(tmp_path: Path) -> None:
    env = {"SAMVARD_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    engine = _migrated_with_entries(env, 5)
    ok = run(["audit", "verify"], env)
    assert ok.returncode == 0 and "5 entries verified" in ok.stdout
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        conn.exec_driver_sql("UPDATE audit_entry SET reason = 'forged' WHERE seq = 3")
    bad = run(["audit", "verify"], env)
    assert bad.returncode == 1
    assert "entry 3 was changed" in bad.stderr


def test_anchor_detects_a_cut_off_tail(tmp_path: Path) -> None:
    env = {"SAMVARD_DATABASE_URL": f"sqlite:///{tmp_path}/anchor.db"}
    anchor = tmp_path / "anchor.json"
    engine = _migrated_with_entries(env, 4)
    assert run(["audit", "verify", "--anchor", str(anchor)], env).returncode == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_delete")
        conn.exec_driver_sql("DELETE FROM audit_entry WHERE seq >= 3")
    plain = run(["audit", "verify"], env)
    anchored = run(["audit", "verify", "--anchor", str(anchor)], env)
    assert plain.returncode == 0  # the chain alone cannot see a cut-off tail ...
    assert anchored.returncode == 1 and "cut off" in anchored.stderr  # ... the anchor can


@pytest.mark.db
def test_audit_export_writes_fhir_audit_events(world: Database) -> None:
    env = {"SAMVARD_DATABASE_URL": world.url}
    result = run(["audit", "export", "--limit", "3"], env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 3
    assert all('"resourceType": "AuditEvent"' in line for line in lines)


def test_prepare_fills_an_empty_planning_warehouse_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functools import partial

    from samvard import cli
    from samvard.analytics import demo
    from samvard.analytics.store import Warehouse

    # The real demo load, only smaller: one month of a few thousand visits (a visit report
    # per region and the asylum report; tests/analytics/test_demo.py loads more months).
    monkeypatch.setattr(
        demo, "ensure_demo_warehouse", partial(demo.ensure_demo_warehouse, rows=3000, months=1)
    )
    path = tmp_path / "planning.duckdb"
    cli._prepare_warehouse(path)
    first = Warehouse(path).list_receipts()
    assert {r.kind for r in first} == {"besok", "asylsokande"}
    assert "rapporter inlästa" in capsys.readouterr().err

    cli._prepare_warehouse(path)  # a warehouse with reports is left as it is
    assert Warehouse(path).list_receipts() == first
    assert capsys.readouterr().err == ""
