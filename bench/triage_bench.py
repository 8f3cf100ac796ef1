"""First-line care: the triage engine, the citizen's question steps over HTTP, and lint.

- engine: whole sessions, question by question with random answers, over every complaint
  with a subject the complaint is for. Each step is one `evaluate` of the answers so far,
  exactly as the citizen pages run it.
- http: the citizen's question step (the question page, which evaluates, and the answer
  post) against a bare endpoint that does the same login and assessment lookup without
  the engine, in the same server and the same rounds.
- lint: the exhaustive exploration of all content, in process.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from bench import triage_http
from bench.support import median, progress, rate
from samvard.triage.conditions import AnswerValue
from samvard.triage.engine import Subject, evaluate
from samvard.triage.lint import general_problems, lint_content
from samvard.triage.loader import Content, load_content
from samvard.triage.schema import ComplaintFile, Question

SEED = 2026
MAX_STEPS = 60  # a session never needs this many questions; guards against a loop


def random_answer(question: Question, rng: random.Random) -> AnswerValue:
    """An answer a citizen could give: any accepted word, unknown, or a number in range."""
    if question.type in ("yes_no_unknown", "choice"):
        return rng.choice(question.answer_values)
    if rng.random() < 0.1:
        return "unknown"
    low = float(question.min if question.min is not None else 0)
    high = float(question.max if question.max is not None else low + 100)
    return round(rng.uniform(low, high), 1)


def subject_for(complaint: ComplaintFile, rng: random.Random) -> Subject:
    """A person the complaint is for: an age inside its limits and a sex it admits."""
    low = complaint.ages.min_days or 0
    high = complaint.ages.max_days if complaint.ages.max_days is not None else 90 * 365
    sex = rng.choice(complaint.sexes or ("female", "male"))
    return Subject(age_days=rng.randint(low, max(low, high)), sex=sex)


def one_session(content: Content, complaint_id: str, rng: random.Random) -> int:
    """Answer question after question until the outcome; returns the evaluations made."""
    subject = subject_for(content.complaints[complaint_id], rng)
    answers: dict[str, AnswerValue] = {}
    for step in range(1, MAX_STEPS + 1):
        evaluation = evaluate(content, complaint_id, subject, answers)
        if evaluation.question is None:
            return step
        answers[evaluation.question.id] = random_answer(evaluation.question, rng)
    raise RuntimeError(f"{complaint_id}: no outcome after {MAX_STEPS} questions")


def engine_round(content: Content, sessions: int, rng: random.Random) -> tuple[float, float]:
    """`sessions` sessions spread over all complaints; evaluations/s and sessions/s."""
    complaints = sorted(content.complaints)
    evaluations = 0
    started = time.perf_counter()
    for number in range(sessions):
        evaluations += one_session(content, complaints[number % len(complaints)], rng)
    elapsed = time.perf_counter() - started
    return rate(evaluations, elapsed), rate(sessions, elapsed)


def run_engine(*, sessions: int, rounds: int) -> dict[str, Any]:
    """The engine section: median rates over a few rounds."""
    content = load_content()
    rng = random.Random(SEED)  # noqa: S311 - benchmark answers, no secrets
    one_round = [engine_round(content, sessions, rng) for _ in range(rounds)]
    progress(f"triage: engine {rounds} rounds of {sessions} sessions done")
    return {
        "complaints": len(content.complaints), "sessions_per_round": sessions, "rounds": rounds,
        "evaluations_per_s": round(median([e for e, _ in one_round]), 1),
        "sessions_per_s": round(median([s for _, s in one_round]), 1),
        "content_version": content.version,
    }  # fmt: skip


def run_lint() -> dict[str, Any]:
    """How long linting all content takes, and whether it passed."""
    content = load_content()
    started = time.perf_counter()
    reports = lint_content(content)
    problems = [p for r in reports for p in r.problems] + general_problems(content, reports)
    elapsed = time.perf_counter() - started
    progress(f"triage: lint took {elapsed:.2f} s")
    return {
        "seconds": round(elapsed, 3), "complaints": len(reports),
        "paths": sum(r.paths for r in reports), "problems": len(problems),
    }  # fmt: skip


def run(directory: Path, *, sessions: int, rounds: int, http_sessions: int) -> dict[str, Any]:
    """The triage section of the report."""
    return {
        "engine": run_engine(sessions=sessions, rounds=rounds),
        "http": triage_http.run(directory, sessions=http_sessions, rounds=rounds),
        "lint": run_lint(),
    }


def summary_lines(section: dict[str, Any]) -> list[str]:
    """Human-readable lines for the triage section."""
    engine, http, lint = section["engine"], section["http"], section["lint"]
    return [
        f"  triage/engine: {engine['evaluations_per_s']} evaluations/s, "
        f"{engine['sessions_per_s']} whole sessions/s over {engine['complaints']} complaints",
        f"  triage/http: {http['question_steps_per_s']} question steps/s (page and answer), "
        f"bare lookup {http['bare_requests_per_s']} requests/s, requests ×"
        f"{http['step_requests_ratio_to_bare']:.2f} of bare, step p95 {http['step_p95_ms']} ms",
        f"  triage/lint: {lint['seconds']} s for {lint['complaints']} complaints, "
        f"{lint['paths']} paths, {lint['problems']} problems",
    ]
