"""`samvard federation`: commands for nodes that share coordinated documentation."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("federation")
def group() -> None:
    """Query-response between Samvård nodes."""


@group.command("demo")
@click.option(
    "--ports",
    "base_port",
    type=click.IntRange(1024, 65530),
    default=8100,
    show_default=True,
    help="First port; the five nodes use this and the next four.",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/federation"),
    show_default=True,
    help="Demo directory (keys, registry, databases, logs); recreated each run.",
)
@click.option(
    "--citizens",
    type=int,
    default=300,
    show_default=True,
    help="Citizens in the demo world every node starts from.",
)
@click.option(
    "--lifetime",
    type=float,
    default=None,
    help="Stop after this many seconds (for automated runs); default: until Ctrl-C.",
)
def demo(base_port: int, directory: Path, citizens: int, lifetime: float | None) -> None:
    """Start five nodes on loopback with a shared patient; Ctrl-C stops them all."""
    from samvard.demo.people import CitizenCountError, check_citizen_count
    from samvard.federation.demo import Layout, fresh_directory, serve_until_stopped, write_trust
    from samvard.federation.demo_build import build_world

    try:
        check_citizen_count(citizens)
    except CitizenCountError as error:
        raise click.BadParameter(str(error), param_hint="--citizens") from error
    layout = Layout(directory.resolve(), base_port)
    try:
        fresh_directory(layout.directory)
    except FileExistsError as error:
        raise click.ClickException(str(error)) from error

    def say(text: str) -> None:
        click.echo(text, err=True)

    say(f"Skapar nycklar och register i {layout.directory} …")
    write_trust(layout)
    build_world(layout, say, citizens=citizens)
    try:
        serve_until_stopped(layout, say, lifetime=lifetime)
    except RuntimeError as error:
        raise click.ClickException(f"a node failed to start: {error}") from error
