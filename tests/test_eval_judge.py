"""The LLM judge counts only when every quote it gives was really said by that speaker.

A scripted stand-in for the OpenAI client exercises the logic (no server is
needed to test the verbatim check); the real server is another area's work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import openai

from evaluation import Judge, JudgeOptions, load_scorecard, load_transcript, score

GOLDEN = Path(__file__).parent / "golden"
OPTIONS = JudgeOptions(base_url="http://judge.invalid/v1", model="test-model")


@dataclass
class _Reply:
    content: str

    @property
    def choices(self) -> list[Any]:
        message = type("Message", (), {"content": self.content})()
        return [type("Choice", (), {"message": message})()]


@dataclass
class ScriptedClient:
    """Answers each chat request with the next scripted answer (or raises it)."""

    answers: list[Any]
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def chat(self) -> ScriptedClient:
        return self

    @property
    def completions(self) -> ScriptedClient:
        return self

    def create(self, **kwargs: Any) -> _Reply:
        self.requests.append(kwargs)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return _Reply(json.dumps(answer) if isinstance(answer, dict) else answer)


def _server_error() -> openai.InternalServerError:
    request = httpx.Request("POST", "http://judge.invalid/v1/chat/completions")
    return openai.InternalServerError("json_schema not supported",
                                      response=httpx.Response(500, request=request), body=None)


def _laer(result) -> Any:  # noqa: ANN001 - a ScoreResult
    return next(c for c in result.competencies["objection_handling"].criteria if c.id == "laer")


def test_verbatim_quotes_let_the_judge_score_count() -> None:
    transcript = load_transcript(GOLDEN / "caving_on_price.json")
    client = ScriptedClient([
        {"score": 10, "explanation": "Discounted at once.",
         "quotes": [{"speaker": "rep", "quote": "I can take 20% off if you sign this month"},
                    {"speaker": "buyer", "quote": "Can   you do better?"}]},
        {"score": 5, "explanation": "No story.", "quotes": [
            {"speaker": "rep", "quote": "Will do, I’ll email it over this afternoon."}]},
    ])
    result = score(transcript, load_scorecard("ae"), judge=Judge(OPTIONS, client=client))
    laer = _laer(result)
    assert laer.source == "judge" and laer.score == 10
    assert [e.quote for e in laer.evidence] == ["I can take 20% off if you sign this month",
                                               "Can you do better?"]
    assert [e.turn for e in laer.evidence] == [6, 7]
    for evidence in laer.evidence:
        assert evidence.quote in transcript.turns[evidence.turn].text
    story = next(c for c in result.competencies["storytelling"].criteria
                 if c.id == "customer_story")
    assert story.source == "judge" and story.evidence[0].quote == (
        "Will do, I'll email it over this afternoon.")
    assert len(client.requests) == 2
    assert client.requests[0]["response_format"]["type"] == "json_schema"


def test_invented_or_misattributed_quotes_are_rejected() -> None:
    transcript = load_transcript(GOLDEN / "caving_on_price.json")
    deterministic = _laer(score(transcript, "ae"))
    client = ScriptedClient([
        {"score": 95, "explanation": "Great handling.",
         "quotes": [{"speaker": "rep", "quote": "I understand your budget concern completely."}]},
        {"score": 90, "explanation": "Told a story.",
         "quotes": [{"speaker": "rep", "quote": "Can you do better?"}]},  # the buyer said it
    ])
    result = score(transcript, "ae", judge=Judge(OPTIONS, client=client))
    laer = _laer(result)
    assert laer.source == "deterministic" and laer.score == deterministic.score
    story = next(c for c in result.competencies["storytelling"].criteria
                 if c.id == "customer_story")
    assert story.source == "deterministic" and story.score == 0
    assert any("not found verbatim in the rep's turns: 'I understand your budget" in w
               for w in result.warnings)
    assert any("'Can you do better?'" in w for w in result.warnings)


def test_unusable_answers_leave_the_deterministic_score() -> None:
    transcript = load_transcript(GOLDEN / "great_discovery.json")
    judge = Judge(OPTIONS, client=ScriptedClient([
        "not json at all",
        {"score": 80, "explanation": "No quotes.", "quotes": []},
    ]))
    verdicts, _ = judge.assess_scorecard(transcript, load_scorecard("ae"))
    assert [v.accepted for v in verdicts.values()] == [False, False]
    assert "no usable answer" in verdicts["objection_handling.laer"].reason
    assert verdicts["storytelling.customer_story"].reason == "no quotes given"


def test_auto_format_falls_back_to_llama_cpp_json_object_once() -> None:
    transcript = load_transcript(GOLDEN / "great_discovery.json")
    answer = {"score": 90, "explanation": "Fine.",
              "quotes": [{"speaker": "buyer", "quote": "Put that way, it does."}]}
    client = ScriptedClient([_server_error(), answer, answer])
    judge = Judge(OPTIONS, client=client)
    verdict = judge.assess(transcript, "x.y", "Criterion", "Rubric")
    assert verdict.accepted and verdict.evidence[0].turn == 23
    formats = [r["response_format"] for r in client.requests]
    assert formats[0]["type"] == "json_schema"
    assert formats[1]["type"] == "json_object" and formats[1]["schema"]["required"] == [
        "score", "explanation", "quotes"]
    judge.assess(transcript, "x.z", "Criterion", "Rubric")
    assert client.requests[2]["response_format"]["type"] == "json_object"


def test_explicit_json_schema_mode_does_not_fall_back() -> None:
    transcript = load_transcript(GOLDEN / "great_discovery.json")
    options = JudgeOptions(base_url="http://judge.invalid/v1", model="m",
                           response_format="json_schema")
    verdict = Judge(options, client=ScriptedClient([_server_error()])).assess(
        transcript, "x.y", "Criterion", "Rubric")
    assert not verdict.accepted and "InternalServerError" in verdict.reason
