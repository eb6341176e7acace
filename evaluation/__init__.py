"""Evidence-backed scorecards and skill-gap profiles for sales calls.

The evaluator reads a transcript (version-1 JSON from a simulation or a real
call, or plain ``Rep:``/``Buyer:`` text), computes deterministic conversation
metrics, discovery and objection-handling findings, and scores them against a
trainer's scorecard template. Every criterion cites verbatim quotes with the
speaker and the time. It depends on neither ``simulator`` nor ``web``.

Typical use::

    from evaluation import load_transcript, load_scorecard, score, render_html
    result = score(load_transcript("transcript.json"), load_scorecard("ae"))
    result.model_dump()          # the ``run_agent.py score --json`` shape
    render_html(result)          # the report page
"""

from evaluation.engine import score
from evaluation.errors import EvaluationInputError, ScorecardError, TranscriptError
from evaluation.evidence import Evidence
from evaluation.judge import Judge, JudgeOptions, JudgeVerdict
from evaluation.profile import (CoachingNote, PersonaDescriptor, PlanItem, Profile, SessionRecord,
                                build_profile)
from evaluation.render import render_html, render_markdown
from evaluation.result import CompetencyResult, CriterionResult, Metrics, ScoreResult
from evaluation.scorecard import Scorecard, builtin_scorecards, load_scorecard, parse_scorecard
from evaluation.sessions import list_reps, load_rep_sessions
from evaluation.transcript import Transcript, Turn, load_transcript

__all__ = [
    "CoachingNote",
    "CompetencyResult",
    "CriterionResult",
    "EvaluationInputError",
    "Evidence",
    "Judge",
    "JudgeOptions",
    "JudgeVerdict",
    "Metrics",
    "PersonaDescriptor",
    "PlanItem",
    "Profile",
    "ScoreResult",
    "Scorecard",
    "ScorecardError",
    "SessionRecord",
    "Transcript",
    "TranscriptError",
    "Turn",
    "build_profile",
    "builtin_scorecards",
    "list_reps",
    "load_rep_sessions",
    "load_scorecard",
    "load_transcript",
    "parse_scorecard",
    "render_html",
    "render_markdown",
    "score",
]
