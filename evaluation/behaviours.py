"""Call behaviours outside discovery and objections: agenda, stories, urgency, next steps.

Each detector returns the :class:`Ref` of the words that show the behaviour
(or None), so every yes/no criterion built on it can quote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaluation.evidence import Ref
from evaluation.language import content_words, find_phrase, is_backchannel, phrases, sentence_spans
from evaluation.transcript import Transcript, Turn

AGENDA = phrases(r"agenda", r"goal (?:for|of) (?:today|this call|the call)",
                 r"what i'd (?:like|love) to (?:cover|do|get)", r"purpose of (?:the|this|today)",
                 r"we (?:have|'ve got|got) (?:about |around )?(?:\d+|ten|fifteen|twenty|thirty|"
                 r"forty-five) minutes", r"plan for (?:today|the call|this call)",
                 r"make the most of (?:our|your|the) time", r"by the end of (?:this|the) call")
STORY = phrases(r"one of (?:our|my) (?:customers|clients)",
                r"a (?:customer|client) of (?:ours|mine)",
                r"(?:companies|teams|customers|firms) like yours", r"we (?:worked|work) with",
                r"we helped", r"(?:another|a similar) (?:company|team|customer|client)",
                r"case study", r"i was (?:talking|speaking) (?:to|with)",
                r"had the same (?:problem|"
                r"issue)", r"when they (?:started|came to us|switched)")
NUMBER = re.compile(r"(?:\$\s?\d[\d,.]*\s?[kKmM]?|\b\d[\d,.]*\s?(?:%|percent|hours?|days?|weeks?|"
                    r"months?|minutes?|x|times|k|deals?|customers?|reps?|people|dollars|grand)\b|"
                    r"\b(?:half|double|twice|a third|a quarter)\b|"
                    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
                    r"forty|fifty|sixty|hundred|thousand) (?:hours?|days?|weeks?|months?|percent|"
                    r"deals?|customers?|people|reps?|analysts?|trucks?|stores?)\b)", re.IGNORECASE)
QUANTIFY_ASK = phrases(r"how much (?:time|money|does|is|are|revenue|would)", r"how many (?:hours|"
                       r"deals|people|customers|reps|days)", r"what does (?:that|this|it) cost",
                       r"put a (?:number|figure|dollar)", r"in (?:dollars|hours|numbers)")
COST = phrases(r"cost(?:s|ing)? (?:us|me|the business|our)", r"los(?:e|es|ing|t)", r"wast\w*",
               r"churn\w*", r"late", r"errors?", r"behind", r"overtime", r"missed", r"penalt\w+",
               r"fine[sd]?", r"refunds?", r"hours? (?:a|per|every) (?:week|day|month)",
               r"revenue")
TIMING_ASK = phrases(r"by when", r"timeline", r"deadline", r"what happens if nothing changes",
                     r"when do you need", r"what's driving the timing", r"why now",
                     r"when (?:would|do) you (?:want|like|need|hope)", r"how soon",
                     r"what's the rush", r"is there a date")
DATE = phrases(r"monday", r"tuesday", r"wednesday", r"thursday", r"friday", r"tomorrow",
               r"next week", r"this week", r"end of (?:the )?(?:week|month)", r"\d{1,2}(?::\d\d)?"
               r" ?(?:am|pm|a\.m\.|p\.m\.)", r"at \d{1,2}(?::\d\d)?",
               r"on the \d{1,2}(?:st|nd|rd|th)",
               r"january|february|march|april|june|july|august|september|october|november|"
               r"december", r"(?:q[1-4])")
NEXT_STEP = phrases(r"next steps?", r"schedul\w*", r"book (?:a|some|time|the|us)",
                    r"set up (?:a|some|time|the)", r"(?:a |the )?demo", r"follow[- ]up",
                    r"send (?:you|over) (?:a|the|an) (?:calendar|invite|proposal|summary|quote)",
                    r"meet again", r"pilot", r"trial", r"introduc\w+ (?:me|us)",
                    r"get (?:\w+ )?on (?:a|the) call", r"reconvene", r"calendar invite",
                    r"workshop")
AGREE = phrases(r"sure", r"sounds good", r"that works", r"let's do", r"yes", r"yeah", r"okay",
                r"works for me", r"i'm in", r"book it", r"send (?:it|the invite|it over)",
                r"happy to", r"see you", r"perfect", r"great", r"deal", r"i'll (?:be there|join"
                r"|bring)")
BRUSH_OFF = phrases(r"not sure", r"let me think", r"i'll get back", r"send me some (?:info|"
                    r"information|material)", r"not (?:ready|yet)", r"don't think so",
                    r"i'll reach out", r"we'll see", r"maybe", r"no thanks", r"i'll pass")
SUMMARY = phrases(r"to recap", r"to summari[sz]e", r"so what i'm hearing", r"what i heard",
                  r"if i (?:heard|understood|understand) (?:you )?(?:right|correctly)",
                  r"let me make sure i (?:understand|got)", r"just to (?:recap|confirm|play back)",
                  r"sounds like (?:the|your) (?:main|biggest|key|real)",
                  r"let me play (?:that|it) back",
                  r"so (?:the|your) (?:main|biggest|key) (?:issues?|challenges?|priorit\w+) "
                  r"(?:is|are)")
PUSH = phrases(r"sign (?:today|now|this week|the contract)", r"ready to (?:buy|sign|move forward|"
               r"commit)", r"can we close", r"get the paperwork",
               r"lock (?:it|this) in (?:today|now)",
               r"only valid (?:today|until)", r"offer expires")
REFUSE = phrases(r"not ready", r"slow down", r"too soon", r"not yet", r"no\b", r"pushy",
                 r"way too early", r"hold on")


@dataclass
class Behaviours:
    """Where each behaviour shows (None = not observed)."""

    agenda: Ref | None
    story: Ref | None
    story_numbers: Ref | None
    story_matches_pain: Ref | None
    quantify_ask: Ref | None
    quantified_impact: Ref | None
    timing_ask: Ref | None
    next_step: Ref | None
    next_step_date: Ref | None
    agreed: Ref | None
    summary: Ref | None
    pushy: Ref | None


def _first(turns: list[Turn], pattern: re.Pattern[str]) -> Ref | None:
    for turn in turns:
        span = find_phrase(turn.text, pattern)
        if span is not None:
            return Ref(turn.index, span)
    return None


def _next_buyer(transcript: Transcript, after: int) -> Turn | None:
    return next((t for t in transcript.turns[after + 1:]
                 if t.speaker == "buyer" and not is_backchannel(t.text)), None) or next(
        (t for t in transcript.turns[after + 1:] if t.speaker == "buyer"), None)


def _agreement(transcript: Transcript, proposal: Ref | None) -> Ref | None:
    for event in transcript.events:
        if event.type == "call_ended" and event.get("reason") == "agreed_next_step":
            anchor = event.turn if event.turn is not None else (proposal.turn if proposal else None)
            if anchor is not None:
                reply = _next_buyer(transcript, anchor)
                return Ref(reply.index) if reply else Ref(anchor)
    if proposal is None:
        return None
    reply = _next_buyer(transcript, proposal.turn)
    if reply is None or BRUSH_OFF.search(reply.text) or transcript.has_events:
        return None
    span = find_phrase(reply.text, AGREE)
    return Ref(reply.index, span) if span else None


def _quantified(buyer: list[Turn]) -> Ref | None:
    """A buyer sentence that puts a number on the cost of the problem."""
    for turn in buyer:
        for span in sentence_spans(turn.text):
            sentence = turn.text[span.start:span.end]
            if NUMBER.search(sentence) and COST.search(sentence):
                return Ref(turn.index, span)
    return None


def _next_step(closing: list[Turn]) -> tuple[Ref | None, Ref | None]:
    """The last proposal in the second half of the call, preferring one with a date on it.

    The last ask is the one the call ends on; an earlier mention ("a two-week
    pilot") is part of the pitch, not the close.
    """
    proposals = [ref for turn in closing if (ref := _first([turn], NEXT_STEP)) is not None]
    if not proposals:
        return None, None
    for proposal in reversed(proposals):
        following = [t for t in closing if t.index >= proposal.turn][:2]
        dated = _first(following, DATE)
        if dated is not None:
            return proposal, dated
    return proposals[-1], None


def _pushy(transcript: Transcript, rep: list[Turn]) -> Ref | None:
    for event in transcript.events:
        if event.type == "trust_changed" and event.get("reason") == "pushy_close" \
                and event.turn is not None:
            return Ref(event.turn)
    for turn in rep:
        span = find_phrase(turn.text, PUSH)
        reply = _next_buyer(transcript, turn.index)
        if span is not None and reply is not None and REFUSE.search(reply.text):
            return Ref(turn.index, span)
    return None


def analyse_behaviours(transcript: Transcript) -> Behaviours:
    rep = transcript.speaker_turns("rep")
    buyer = [t for t in transcript.speaker_turns("buyer") if not is_backchannel(t.text)]
    story = _first(rep, STORY)
    story_numbers = story_matches = None
    if story is not None:
        story_turn = transcript.turns[story.turn]
        numbers = find_phrase(story_turn.text, NUMBER)
        story_numbers = Ref(story.turn, numbers) if numbers else None
        earlier = set().union(*(content_words(t.text) for t in buyer if t.index < story.turn))
        if len(earlier & content_words(story_turn.text)) >= 2:
            story_matches = story
    next_step, next_step_date = _next_step(rep[len(rep) // 2:] if len(rep) > 2 else rep)
    return Behaviours(
        agenda=_first(rep[:3], AGENDA),
        story=story,
        story_numbers=story_numbers,
        story_matches_pain=story_matches,
        quantify_ask=_first(rep, QUANTIFY_ASK),
        quantified_impact=_quantified(buyer),
        timing_ask=_first(rep, TIMING_ASK),
        next_step=next_step,
        next_step_date=next_step_date,
        agreed=_agreement(transcript, next_step_date or next_step),
        summary=_first(rep, SUMMARY),
        pushy=_pushy(transcript, rep),
    )
