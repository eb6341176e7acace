"""``run_agent.py score FILE [--scorecard ID] [--json] [--html OUT] [--judge]``.

Scores any transcript (version-1 JSON or ``Rep:``/``Buyer:`` text) against a
scorecard template and prints the JSON result or a Markdown report.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evaluation import (EvaluationInputError, Judge, JudgeOptions, builtin_scorecards,
                        load_scorecard, load_transcript, render_html, render_markdown, score)
from simulator.settings import Settings


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "score", help="score a transcript: evidence-backed scorecard and conversation metrics")
    parser.add_argument("file", type=Path, help="transcript.json (version 1) or Rep:/Buyer: text")
    parser.add_argument("--scorecard", default="ae",
                        help=f"built-in id ({', '.join(builtin_scorecards())}) or a YAML path "
                             "(default: ae)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--html", type=Path, metavar="OUT", help="also write an HTML report")
    parser.add_argument("--judge", action="store_true",
                        help="re-score criteria with a judge rubric using the LLM at "
                             "ROLEPLAY_LLM_BASE_URL (quotes are checked verbatim)")
    parser.add_argument("--judge-format", choices=("auto", "json_schema", "json_object"),
                        default="auto", help="response_format style of the judge server "
                                             "(json_object for llama.cpp)")
    parser.set_defaults(handler=_score)


def _judge(args: argparse.Namespace, settings: Settings) -> Judge | None:
    if not args.judge:
        return None
    if not settings.llm_base_url:
        raise EvaluationInputError("--judge", [
            "the LLM judge needs a running OpenAI-compatible server: set ROLEPLAY_LLM_BASE_URL "
            "(and ROLEPLAY_LLM_MODEL_NAME / ROLEPLAY_LLM_API_KEY)"])
    return Judge(JudgeOptions(base_url=settings.llm_base_url, model=settings.llm_model_name,
                              api_key=settings.llm_api_key, response_format=args.judge_format))


def _score(args: argparse.Namespace, settings: Settings) -> int:
    try:
        transcript = load_transcript(args.file)
        result = score(transcript, load_scorecard(args.scorecard), judge=_judge(args, settings))
    except EvaluationInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.html:
        args.html.write_text(render_html(result, title=f"Scorecard: {args.file.name}"),
                             encoding="utf-8")
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(render_markdown(result), end="")
    return 0
