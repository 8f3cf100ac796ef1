"""A deterministic demo world: organisations, staff, citizens and a real access history.

`samvard.demo.world.build_demo` builds it; `samvard.demo.personas` names the well-known
people in it; `samvard.demo.cli.command` is the `samvard demo` command.
"""
