"""Checks a structurally valid persona for broken references and contradictions.

Pydantic proves each field has the right type; it cannot see that an objection
named in ``end_conditions`` does not exist, that a threshold can never be met,
or that an authored fallback line is longer than the persona's own reply limit
(which would make the guardrails reject the line meant to rescue them). Each
problem comes back with the path of the field it concerns, so the loader can
point at the line in the YAML file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from personas.schema import Persona
from personas.textstats import contains_phrase, count_words, split_sentences
from personas.vocabulary import SKILLS, TOPICS, TRUST_REASONS, is_condition

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def check_consistency(persona: Persona) -> list[Problem]:
    """Every reference and threshold problem in ``persona``; empty when it is sound."""
    return [
        *_check_vocabulary(persona),
        *_check_ids(persona),
        *_check_facts(persona),
        *_check_objections(persona),
        *_check_thresholds(persona),
        *_check_authored_lines(persona),
    ]


def _unknown_conditions(words: Iterable[str], path: Path) -> Iterator[Problem]:
    for index, word in enumerate(words):
        if not is_condition(word):
            yield (
                (*path, index),
                f"unknown condition {word!r}: expected a signal (see personas.vocabulary.SIGNALS)"
                " or topic:<topic>",
            )


def _check_vocabulary(persona: Persona) -> Iterator[Problem]:
    for index, skill in enumerate(persona.skills):
        if skill not in SKILLS:
            yield ("skills", index), f"unknown skill {skill!r}; known: {', '.join(SKILLS)}"
    for meter in ("trust", "patience"):
        for reason in getattr(persona, meter).effects:
            if reason not in TRUST_REASONS:
                yield (
                    (meter, "effects", reason),
                    f"unknown reason {reason!r}; known: {', '.join(TRUST_REASONS)}",
                )
    yield from _unknown_conditions(
        persona.end_conditions.hang_up.strikes_on, ("end_conditions", "hang_up", "strikes_on")
    )


def _check_ids(persona: Persona) -> Iterator[Problem]:
    for section in ("facts", "objections"):
        seen: set[str] = set()
        for index, item in enumerate(getattr(persona, section)):
            if item.id in seen:
                yield (section, index, "id"), f"duplicate id {item.id!r}"
            seen.add(item.id)


def _check_facts(persona: Persona) -> Iterator[Problem]:
    fact_ids = {fact.id for fact in persona.facts}
    for index, fact in enumerate(persona.facts):
        path: Path = ("facts", index)
        for t_index, topic in enumerate(fact.unlock.topics):
            if topic not in TOPICS:
                yield (
                    (*path, "unlock", "topics", t_index),
                    (f"unknown topic {topic!r}; known: {', '.join(TOPICS)}"),
                )
        for a_index, other in enumerate(fact.unlock.after):
            if other not in fact_ids:
                yield (*path, "unlock", "after", a_index), f"fact {other!r} is not defined"
            elif other == fact.id:
                yield (*path, "unlock", "after", a_index), "a fact cannot require itself"
        if not any(contains_phrase(fact.line, marker) for marker in fact.markers):
            yield (*path, "line"), "the reveal line must contain at least one of the fact's markers"
    yield from _check_cycles(persona)


def _check_cycles(persona: Persona) -> Iterator[Problem]:
    after = {fact.id: set(fact.unlock.after) for fact in persona.facts}
    for index, fact in enumerate(persona.facts):
        seen: set[str] = set()
        stack = list(after.get(fact.id, ()))
        while stack:
            current = stack.pop()
            if current == fact.id:
                yield (
                    ("facts", index, "unlock", "after"),
                    (f"fact {fact.id!r} can never unlock: its 'after' chain leads back to itself"),
                )
                break
            if current not in seen:
                seen.add(current)
                stack.extend(after.get(current, ()))


def _check_objections(persona: Persona) -> Iterator[Problem]:
    for index, objection in enumerate(persona.objections):
        path: Path = ("objections", index)
        yield from _unknown_conditions(objection.raise_on, (*path, "raise_on"))
        yield from _unknown_conditions(objection.worsened_by, (*path, "worsened_by"))
        resolution = objection.resolved_by
        yield from _unknown_conditions(resolution.all_of, (*path, "resolved_by", "all_of"))
        yield from _unknown_conditions(resolution.any_of, (*path, "resolved_by", "any_of"))
        if not resolution.all_of and not resolution.any_of:
            yield (*path, "resolved_by"), "needs at least one condition in all_of or any_of"
        for w_index, word in enumerate(objection.worsened_by):
            if word in resolution.all_of:
                yield (
                    (*path, "worsened_by", w_index),
                    (f"{word!r} both resolves (resolved_by.all_of) and worsens the objection"),
                )


def _check_thresholds(persona: Persona) -> Iterator[Problem]:
    ends = persona.end_conditions
    fact_ids = {fact.id for fact in persona.facts}
    objection_ids = {objection.id for objection in persona.objections}
    for index, fact_id in enumerate(ends.next_step.requires_facts):
        if fact_id not in fact_ids:
            yield (
                ("end_conditions", "next_step", "requires_facts", index),
                (f"fact {fact_id!r} is not defined"),
            )
    for index, objection_id in enumerate(ends.next_step.requires_resolved):
        if objection_id not in objection_ids:
            yield (
                ("end_conditions", "next_step", "requires_resolved", index),
                (f"objection {objection_id!r} is not defined"),
            )
    if ends.hang_up.patience_below >= persona.patience.initial:
        yield (
            ("end_conditions", "hang_up", "patience_below"),
            (
                f"{ends.hang_up.patience_below} is not below patience.initial "
                f"({persona.patience.initial}): the buyer would hang up at once"
            ),
        )
    if persona.patience.silence_prompt_s >= persona.patience.silence_end_s:
        yield (
            ("patience", "silence_prompt_s"),
            ("must be shorter than silence_end_s, or the buyer hangs up before prompting"),
        )


def _check_line(
    text: str, persona: Persona, allowed_facts: set[str], path: Path
) -> Iterator[Problem]:
    limits = persona.reply_limits
    if count_words(text) > limits.max_words:
        yield (
            path,
            (
                f"authored line has {count_words(text)} words, over reply_limits.max_words "
                f"({limits.max_words}); the guardrails would reject it"
            ),
        )
    if len(split_sentences(text)) > limits.max_sentences:
        yield (
            path,
            (
                f"authored line has {len(split_sentences(text))} sentences, over "
                f"reply_limits.max_sentences ({limits.max_sentences})"
            ),
        )
    for fact in persona.facts:
        if fact.id in allowed_facts:
            continue
        for marker in fact.markers:
            if contains_phrase(text, marker):
                yield path, f"authored line gives away fact {fact.id!r} (marker {marker!r})"
    for phrase in persona.end_conditions.forbidden_agreements:
        if "agree_next_step" not in path and contains_phrase(text, phrase):
            yield path, f"authored line contains the forbidden agreement {phrase!r}"


def _check_authored_lines(persona: Persona) -> Iterator[Problem]:
    yield from _check_line(persona.opening_line, persona, set(), ("opening_line",))
    # agreeing needs the required facts uncovered, so those lines may mention them
    agreed_facts = set(persona.end_conditions.next_step.requires_facts)
    for intent, lines in persona.examples.model_dump().items():
        allowed = agreed_facts if intent == "agree_next_step" else set()
        for index, line in enumerate(lines):
            yield from _check_line(line, persona, allowed, ("examples", intent, index))
    for index, fact in enumerate(persona.facts):
        allowed = {fact.id, *fact.unlock.after}
        yield from _check_line(fact.line, persona, allowed, ("facts", index, "line"))
    for index, objection in enumerate(persona.objections):
        for p_index, line in enumerate(objection.phrasings):
            yield from _check_line(
                line, persona, set(), ("objections", index, "phrasings", p_index)
            )
