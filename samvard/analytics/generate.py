"""Synthetic monthly reports for demo and benchmark, in the contracts of contracts.py.

One `asylsokande` file per month and one `besok` file per region and month, for all 21
regions and 290 municipalities. Everything follows from the seed: the same arguments give
the same bytes, whatever the number of processes. Keep it so: the benchmark keeps warehouses
built from these files keyed on the arguments alone, and tests pin the output, so a change
that alters a single byte is a deliberate change of the data.

This module is the entry point (`generate`, the command, and the process pool). How the
data is made, and why, is told beside the code that makes it:

- `generate_flow`: the asylum flow, shaped like Migrationsverket's published monthly
  applications, and the persons it consists of, each with what their care will look like;
- `generate_visits`: what a visit is (unit kind, contact, profession, ICD-10-SE diagnoses,
  KVÅ codes), drawn from a model per age band, sex and mental-health need;
- `generate_clinics`: the care units, which depend only on the reference data;
- `generate_write`: the asylum file, how many visits each region-month gets and who makes
  them, and the visit files written one region and month at a time;
- `generate_common`: periods, the seeded random generators and the sexes, shared by all.

The visit files are the bulk of the work. A small run writes them in this process; a large
one shares the region-months among processes, largest first so the load is even, each
process building its own templates and clinics once. Every region-month draws from its own
random generator, so how the work is shared never shows in the output.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import click

from samvard.analytics.contracts import ReportKind
from samvard.analytics.generate_clinics import Clinic, clinics_by_region
from samvard.analytics.generate_common import parse_period, periods_ending, previous_month
from samvard.analytics.generate_flow import (
    build_persons,
    count_asylum,
    reference_series,
    registered_by_region,
)
from samvard.analytics.generate_visits import build_templates
from samvard.analytics.generate_write import (
    Plan,
    RegionMonth,
    allocate,
    asylum_file_name,
    besok_file_name,
    write_asylum_file,
)
from samvard.reference.loaders import list_regions

__all__ = [
    "DEFAULT_MONTHS",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "MAX_ROWS",
    "OUTPUT_VERSION",
    "Clinic",
    "Progress",
    "Summary",
    "asylum_file_name",
    "besok_file_name",
    "clinics_by_region",
    "generate",
    "generate_command",
    "periods_ending",
    "previous_month",
    "reference_series",
    "report_kind",
]

Progress = Callable[[int, int], None]

DEFAULT_ROWS = 1_000_000
DEFAULT_MONTHS = 24
DEFAULT_SEED = 2017
MAX_ROWS = 50_000_000
# Raised whenever the same arguments give different files (a model or source-data change),
# so that data kept from an earlier version (the benchmark's warehouses) is made again.
# 2: October 2018's unaccompanied boys as published (46), not the month's total.
OUTPUT_VERSION = 2
IN_PROCESS_BELOW = 300_000  # fewer rows than this: starting processes costs more than it saves


_WORKER: RegionMonth | None = None


def _start_worker(plan: Plan) -> None:
    global _WORKER  # noqa: PLW0603 - one writer per worker process, built once
    _WORKER = RegionMonth(plan, build_templates(plan.seed), clinics_by_region())


def _write_region_month(region: str, month: int) -> int:
    assert _WORKER is not None
    return _WORKER.write(region, month)


@dataclass(frozen=True)
class Summary:
    """What a run wrote: the files of each kind and the number of rows."""

    periods: tuple[str, ...]
    besok_files: tuple[Path, ...]
    asylum_files: tuple[Path, ...]
    besok_rows: int
    asylum_rows: int

    @property
    def files(self) -> tuple[Path, ...]:
        """Asylum-flow files first (they are small), then the visit files."""
        return self.asylum_files + self.besok_files


def generate(
    out_dir: Path,
    *,
    rows: int = DEFAULT_ROWS,
    months: int = DEFAULT_MONTHS,
    last_period: str | None = None,
    seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Write the synthetic reports into ``out_dir``; ``rows`` visit rows in all.

    ``progress(done, total)`` is called in visit rows as region-months finish. ``workers``
    processes share the visit files (default: one per CPU, or none for small runs); the
    output does not depend on it.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if rows > MAX_ROWS:
        raise ValueError(f"at most {MAX_ROWS} rows")
    periods = periods_ending(last_period or previous_month(), months)
    out_dir.mkdir(parents=True, exist_ok=True)
    persons = build_persons(periods, seed)
    counts = count_asylum(persons, months)
    asylum_files, asylum_rows = [], 0
    for month, period in enumerate(periods):
        path = out_dir / asylum_file_name(period)
        asylum_rows += write_asylum_file(path, month, period, counts)
        asylum_files.append(path)
    regions = [region.code for region in list_regions()]
    registered = registered_by_region(counts)
    weights = {(r, m): float(registered.get((r, m), 0)) for r in regions for m in range(months)}
    visits = allocate(rows, weights)
    plan = Plan(periods, seed, persons, visits, out_dir)
    tasks = sorted(visits, key=lambda key: (-visits[key], key))  # largest first: even load
    done = 0
    if progress is not None:
        progress(0, rows)
    workers = (
        workers if workers is not None else (1 if rows < IN_PROCESS_BELOW else os.cpu_count() or 1)
    )
    if workers <= 1:
        writer = RegionMonth(plan, build_templates(seed), clinics_by_region())
        for region, month in tasks:
            done += writer.write(region, month)
            if progress is not None:
                progress(done, rows)
    else:
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(plan,)) as pool:
            futures = [pool.submit(_write_region_month, r, m) for r, m in tasks]
            for future in as_completed(futures):
                done += future.result()
                if progress is not None:
                    progress(done, rows)
    besok_files = tuple(
        out_dir / besok_file_name(region, period) for region in regions for period in periods
    )
    return Summary(periods, besok_files, tuple(asylum_files), done, asylum_rows)


def report_kind(path: Path) -> ReportKind:
    """The kind of a generated file, from its name."""
    if path.name.startswith("asylsokande_"):
        return ReportKind.ASYLSOKANDE
    return ReportKind.BESOK


def _echo_progress() -> Progress:
    """A progress callback that rewrites one line on stderr, once per whole per cent."""
    shown = -1

    def echo(done: int, total: int) -> None:
        nonlocal shown
        percent = 100 * done // total if total else 100
        if percent != shown:
            shown = percent
            click.echo(f"\r{done} av {total} besöksrader ({percent} %)", err=True, nl=False)

    return echo


@click.command("generate")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--rows",
    type=click.IntRange(1, MAX_ROWS),
    default=DEFAULT_ROWS,
    show_default=True,
    help="Visit rows in all, over every region and month.",
)
@click.option("--months", type=click.IntRange(1, 120), default=DEFAULT_MONTHS, show_default=True)
@click.option(
    "--last-period",
    default=None,
    help="The last month, ÅÅÅÅ-MM (default: the month before today).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes writing visit files (default: one per CPU for large runs).",
)
def generate_command(
    out_dir: Path,
    rows: int,
    months: int,
    last_period: str | None,
    seed: int,
    workers: int | None,
) -> None:
    """Write synthetic monthly reports (visits per region, asylum flow) into OUT_DIR."""
    if last_period is not None:
        try:
            parse_period(last_period)
        except ValueError:
            raise click.BadParameter("skriv perioden ÅÅÅÅ-MM", param_hint="--last-period") from None
    regions = len(list_regions())
    if rows < regions * months:
        raise click.BadParameter(
            f"minst {regions * months} rader behövs (en per region och månad)",
            param_hint="--rows",
        )
    summary = generate(
        out_dir,
        rows=rows,
        months=months,
        last_period=last_period,
        seed=seed,
        workers=workers,
        progress=_echo_progress(),
    )
    click.echo("", err=True)
    click.echo(
        f"{len(summary.besok_files)} besöksfiler ({summary.besok_rows} rader) och "
        f"{len(summary.asylum_files)} asylfiler ({summary.asylum_rows} rader) i {out_dir}, "
        f"{summary.periods[0]}–{summary.periods[-1]}."
    )
