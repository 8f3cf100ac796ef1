"""`samvard triage`: lint, match, content, simulate and validate the clinical content."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, NoReturn

import click

from samvard.triage.engine import AnswerError
from samvard.triage.loader import Content, ContentError, load_content


@click.group("triage")
@click.option(
    "--content-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Another content directory (default: the packaged content).",
)
@click.pass_context
def triage_group(ctx: click.Context, content_dir: Path | None) -> None:
    """Clinical content for symptom assessment (egenbedömning)."""
    ctx.obj = content_dir


def _content(ctx: click.Context) -> Content:
    try:
        return load_content(ctx.obj)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(f"fel: {problem}", err=True)
        raise click.exceptions.Exit(1) from exc


def _fail(code: str, message: str) -> NoReturn:
    click.echo(
        json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False), err=True
    )
    raise click.exceptions.Exit(2)


@triage_group.command()
@click.pass_context
def lint(ctx: click.Context) -> None:
    """Prove every file well-formed and every path through the questions ends in an outcome."""
    from samvard.triage.lint import general_problems, lint_complaint

    started = time.perf_counter()
    content = _content(ctx)
    reports = []
    for i, complaint_id in enumerate(sorted(content.complaints), 1):
        report = lint_complaint(content, complaint_id)
        reports.append(report)
        mark = "ok" if not report.problems else f"{len(report.problems)} fel"
        click.echo(
            f"[{i}/{len(content.complaints)}] {complaint_id}: {report.subjects} personer, "
            f"{report.paths} vägar, {report.seconds:.2f} s, {mark}",
            err=True,
        )
    problems = [p for r in reports for p in r.problems] + general_problems(content, reports)
    for problem in problems:
        click.echo(f"fel: {problem}")
    seconds = time.perf_counter() - started
    click.echo(
        f"{len(reports)} kontaktorsaker, innehållsversion {content.version}, {seconds:.1f} s"
    )
    if problems:
        raise click.exceptions.Exit(1)


@triage_group.command("match")
@click.argument("text")
@click.option("--age", type=float, default=None, help="The person's age in years.")
@click.pass_context
def match_command(ctx: click.Context, text: str, age: float | None) -> None:
    """Complaint suggestions for a free-text description in Swedish."""
    from samvard.triage.lexicon import match

    age_days = int(age * 365.25) if age is not None else None
    suggestions = match(text, _content(ctx), age_days=age_days)
    if not suggestions:
        click.echo("Ingen kontaktorsak passar texten.")
        raise click.exceptions.Exit(1)
    for s in suggestions:
        click.echo(f"{s.score:.2f}  {s.complaint_id:<26} {s.title}  (”{s.matched}”)")


@triage_group.command("content")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.pass_context
def content_command(ctx: click.Context, fmt: str) -> None:
    """The complaints with their questions (id, text, answer type, options)."""
    content = _content(ctx)
    listing = [_complaint_listing(content, cid) for cid in sorted(content.complaints)]
    if fmt == "json":
        data = {
            "version": content.version,
            "general": _questions(content.general.questions),
            "complaints": listing,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for item in listing:
        click.echo(f"{item['id']} ({item['version']}): {item['title']}")
        for q in item["questions"]:
            click.echo(f"  {q['id']} [{q['type']}] {q['text']}")


def _complaint_listing(content: Content, complaint_id: str) -> dict[str, Any]:
    c = content.complaints[complaint_id]
    return {
        "id": c.id,
        "title": c.title,
        "version": c.version,
        "body_system": c.body_system,
        "ages": c.ages.model_dump(),
        "questions": _questions(c.questions),
    }


def _questions(questions: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "text": q.text,
            "type": q.type,
            "options": [{"value": v, "text": q.option_text(v)} for v in q.answer_values]
            if q.type in ("yes_no_unknown", "choice")
            else [],
            "unit": q.unit or ("timmar" if q.type == "duration" else None),
            "min": q.min,
            "max": q.max,
        }
        for q in questions
    ]


@triage_group.command("simulate")
@click.argument("case_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def simulate_command(ctx: click.Context, case_file: Path) -> None:
    """Run one case (JSON) to its outcome and print the result as JSON."""
    from samvard.triage.simulate import CaseError, simulate

    try:
        case = json.loads(case_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail("bad_case", f"kan inte läsa {case_file.name}: {exc}")
    if not isinstance(case, dict):
        _fail("bad_case", "fallet ska vara ett JSON-objekt")
    try:
        result = simulate(_content(ctx), case)
    except (AnswerError, CaseError) as exc:
        _fail(exc.code, exc.message)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@triage_group.command("validate")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.option("--vignettes", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.pass_context
def validate_command(ctx: click.Context, fmt: str, vignettes: Path | None) -> None:
    """Run the vignette suite; fail on any emergency triaged below urgent."""
    from samvard.triage.simulate import CaseError
    from samvard.triage.validate import load_vignettes, validate

    try:
        cases = load_vignettes(vignettes)
    except CaseError as exc:
        _fail(exc.code, exc.message)
    report = validate(_content(ctx), cases)
    summary = report.summary()
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)
    if not report.passed:
        raise click.exceptions.Exit(1)


def _print_summary(s: dict[str, Any]) -> None:
    click.echo(f"{s['cases']} fall, träffsäkerhet {_pct(s['accuracy'])}")
    for level, row in s["per_level"].items():
        click.echo(f"  {level:<11} {row['correct']}/{row['cases']}  {_pct(row['accuracy'])}")
    click.echo(f"Känslighet för akuta fall: {_pct(s['emergency_sensitivity'])}")
    click.echo(
        f"Undertriage: {_pct(s['under_triage_rate'])}, övertriage: {_pct(s['over_triage_rate'])}"
    )
    levels = list(s["confusion"])
    click.echo("Guld \\ motor  " + " ".join(f"{lv[:10]:>10}" for lv in levels))
    for gold in levels:
        click.echo(f"{gold[:13]:<14}" + " ".join(f"{s['confusion'][gold][g]:>10}" for g in levels))
    for case in s["unsafe"]:
        click.echo(f"OSÄKERT: {case['id']} gav {case['got']}: {case['rationale']}", err=True)
    for case in s["errors"]:
        click.echo(f"FEL: {case['id']}: {case['error']}", err=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"
