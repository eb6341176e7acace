"""Optional LLM judge for qualitative criteria, trusted only on verbatim quotes.

Any OpenAI-compatible server works (the ``openai`` client with ``base_url``,
``model`` and ``api_key``). The judge must return a score, an explanation and
the quotes it rests on; each quote must appear verbatim (whitespace aside) in a
turn of the speaker it names, or the verdict is not counted and the
deterministic score stands. llama-cpp-python's server wants
``response_format={"type": "json_object", "schema": ...}``; OpenAI, vLLM and
Ollama take ``{"type": "json_schema", ...}``. ``response_format="auto"`` tries
the latter and falls back to the former once, for the rest of the session.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from evaluation.evidence import Evidence
from evaluation.scorecard import Scorecard
from evaluation.transcript import Transcript

logger = logging.getLogger("evaluation.judge")

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "minimum": 0, "maximum": 100},
        "explanation": {"type": "string"},
        "quotes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"speaker": {"type": "string", "enum": ["rep", "buyer"]},
                               "quote": {"type": "string"}},
                "required": ["speaker", "quote"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["score", "explanation", "quotes"],
    "additionalProperties": False,
}

_SYSTEM = (
    "You are a strict, fair sales coach scoring ONE criterion of a sales call. "
    "Read the transcript and answer only with JSON: "
    '{"score": 0-100, "explanation": "one or two sentences", '
    '"quotes": [{"speaker": "rep" or "buyer", "quote": "exact words"}]}. '
    "Every quote must be copied character for character from one turn of that speaker. "
    "Quote the words your score rests on; never paraphrase."
)


@dataclass(frozen=True)
class JudgeOptions:
    """Where the judge model lives and how to ask it."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    response_format: Literal["auto", "json_schema", "json_object"] = "auto"
    """'auto' tries json_schema, then falls back to llama.cpp's json_object form."""
    timeout_s: float = 120.0
    max_tokens: int = 400
    temperature: float = 0.0


class JudgeVerdict(BaseModel):
    """The judge's answer on one criterion and whether it may count."""

    criterion: str
    accepted: bool
    reason: str = ""
    score: int | None = None
    explanation: str = ""
    evidence: list[Evidence] = []


def _quote_pattern(quote: str) -> re.Pattern[str]:
    tokens = [re.escape(token).replace("'", "['’]").replace("’", "['’]")
              for token in quote.split()]
    return re.compile(r"\s+".join(tokens))


def find_verbatim(transcript: Transcript, speaker: str, quote: str) -> Evidence | None:
    """The quote as it stands in one of ``speaker``'s turns, or None if nobody said it."""
    if not quote.split():
        return None
    pattern = _quote_pattern(quote.strip())
    for turn in transcript.turns:
        if turn.speaker != speaker:
            continue
        match = pattern.search(turn.text)
        if match:
            return Evidence(turn=turn.index, speaker=speaker, start=turn.start,
                            quote=turn.text[match.start():match.end()])
    return None


def _format_transcript(transcript: Transcript) -> str:
    lines = []
    for turn in transcript.turns:
        when = f" {turn.start:.1f}s" if turn.start is not None else ""
        lines.append(f"[{turn.index}{when}] {turn.speaker.upper()}: {turn.text}")
    return "\n".join(lines)


def _parse(content: str) -> dict[str, Any]:
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


class Judge:
    """Scores criteria that carry a ``judge:`` rubric; pass ``client`` to reuse or fake one."""

    def __init__(self, options: JudgeOptions, *, client: Any = None) -> None:
        self.options = options
        if client is None:
            from openai import OpenAI

            client = OpenAI(base_url=options.base_url, api_key=options.api_key,
                            timeout=options.timeout_s)
        self._client = client
        self._mode = "json_schema" if options.response_format == "auto" \
            else options.response_format

    def _response_format(self) -> dict[str, Any]:
        if self._mode == "json_object":
            return {"type": "json_object", "schema": VERDICT_SCHEMA}
        return {"type": "json_schema",
                "json_schema": {"name": "criterion_verdict", "schema": VERDICT_SCHEMA,
                                "strict": True}}

    def _ask(self, messages: list[dict[str, str]]) -> str:
        from openai import APIStatusError

        try:
            return self._create(messages)
        except APIStatusError as error:
            if self.options.response_format != "auto" or self._mode == "json_object":
                raise
            logger.info("judge server refused json_schema (%s); using json_object", error)
            self._mode = "json_object"
            return self._create(messages)

    def _create(self, messages: list[dict[str, str]]) -> str:
        reply = self._client.chat.completions.create(
            model=self.options.model, messages=messages, response_format=self._response_format(),
            max_tokens=self.options.max_tokens, temperature=self.options.temperature)
        return reply.choices[0].message.content or ""

    def assess(self, transcript: Transcript, key: str, name: str, rubric: str) -> JudgeVerdict:
        """Ask about one criterion and check every quote before the score may count."""
        messages = [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": f"Criterion: {name}\nRubric: {rubric}\n\nTranscript:\n"
                                        f"{_format_transcript(transcript)}"},
        ]
        try:
            data = _parse(self._ask(messages))
        except Exception as error:  # noqa: BLE001 - any failure leaves the deterministic score
            return JudgeVerdict(criterion=key, accepted=False,
                                reason=f"no usable answer ({type(error).__name__}: {error})")
        score, quotes = data.get("score"), data.get("quotes")
        if not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 100:
            return JudgeVerdict(criterion=key, accepted=False, reason=f"bad score {score!r}")
        if not isinstance(quotes, list) or not quotes:
            return JudgeVerdict(criterion=key, accepted=False, reason="no quotes given")
        evidence = []
        for item in quotes:
            speaker = item.get("speaker") if isinstance(item, dict) else None
            quote = item.get("quote") if isinstance(item, dict) else None
            found = find_verbatim(transcript, speaker, quote) \
                if speaker in ("rep", "buyer") and isinstance(quote, str) else None
            if found is None:
                return JudgeVerdict(criterion=key, accepted=False,
                                    reason=f"quote not found verbatim in the {speaker}'s turns: "
                                           f"{quote!r}")
            evidence.append(found)
        return JudgeVerdict(criterion=key, accepted=True, score=int(round(score)),
                            explanation=str(data.get("explanation", "")), evidence=evidence)

    def assess_scorecard(self, transcript: Transcript, card: Scorecard
                         ) -> tuple[dict[str, JudgeVerdict], list[str]]:
        """Verdicts keyed ``competency.criterion`` for every criterion with a rubric."""
        verdicts: dict[str, JudgeVerdict] = {}
        warnings: list[str] = []
        if not transcript.turns:
            return verdicts, ["judge skipped: the transcript has no turns"]
        for competency in card.competencies:
            for criterion in competency.criteria:
                if criterion.judge:
                    key = f"{competency.id}.{criterion.id}"
                    verdicts[key] = self.assess(transcript, key, criterion.name or criterion.id,
                                                criterion.judge)
        return verdicts, warnings
