"""Optional LLM refinement of the rule-based utterance analysis.

A JSON classifier can catch what keyword rules miss ("what keeps your CFO
awake?" is about pain; "yeah, I get where you're coming from" is an
acknowledgement). It may only *add* topics and the acknowledgement and empathy
signals: everything that costs the rep trust or patience (pitching, closing,
stacked questions) and the question type stay with the rules, so a confused
small model can make the buyer more generous but never unfair. Any LLM failure
leaves the rule-based analysis as it was.
"""

from __future__ import annotations

import logging
from typing import Any

from personas.vocabulary import TOPICS
from simulator.brain.analysis import UtteranceAnalysis
from simulator.llm import LLMClient, LLMError

logger = logging.getLogger("simulator.brain")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "topics": {"type": "array", "items": {"type": "string", "enum": list(TOPICS)}},
        "acknowledges_buyer": {"type": "boolean"},
        "shows_empathy": {"type": "boolean"},
    },
    "required": ["topics", "acknowledges_buyer", "shows_empathy"],
}

_INSTRUCTION = (
    "You label what a salesperson said on a sales call. Reply with JSON only: "
    '"topics" (which of these the words are about: ' + ", ".join(TOPICS) + "), "
    '"acknowledges_buyer" (true if it acknowledges what the buyer said), '
    '"shows_empathy" (true if it shows understanding of the buyer\'s feelings).'
)


async def refine_with_llm(llm: LLMClient, analysis: UtteranceAnalysis) -> UtteranceAnalysis:
    """``analysis`` with the classifier's extra topics and signals merged in."""
    messages = [
        {"role": "system", "content": _INSTRUCTION},
        {"role": "user", "content": analysis.text},
    ]
    try:
        labels = await llm.complete_json(messages, SCHEMA, max_tokens=80)
    except LLMError as error:
        logger.info("classifier unavailable, keeping rule-based analysis: %s", error)
        return analysis
    topics = labels.get("topics")
    if isinstance(topics, list):
        analysis.topics |= {t for t in topics if isinstance(t, str) and t in TOPICS}
    if labels.get("acknowledges_buyer") is True:
        analysis.signals.add("acknowledgement")
    if labels.get("shows_empathy") is True:
        analysis.signals.add("empathy")
    return analysis
