"""Edge cases and the reading rules: empty and one-sided calls, question types, fillers, reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import ScoreResult, render_html, render_markdown, score
from evaluation.language import filler_count, is_backchannel, question_kind, question_spans
from evaluation.objections import detect_category

GOLDEN = Path(__file__).parent / "golden"


def _call(*turns: tuple[str, float, float, str], events: list | None = None) -> dict:
    return {"version": 1, "persona": None, "duration_s": max([t[2] for t in turns], default=0.0),
            "turns": [{"speaker": s, "start": a, "end": b, "text": x} for s, a, b, x in turns],
            "events": events or []}


def test_empty_call_scores_zero_and_says_why() -> None:
    result = score(_call(), "ae")
    assert result.overall == 0 and not result.passed
    assert result.metrics.questions == 0 and result.metrics.talk_ratio is None
    assert any("no turns" in w for w in result.warnings)
    assert result.competencies["discovery"].score == 0
    oh = result.competencies["objection_handling"]
    assert not oh.assessed and (oh.score, oh.level) == (0, "Needs Work")
    assert "no turns" in render_markdown(result)


def test_one_sided_call_scores_low_and_says_why() -> None:
    pitch = ("rep", 0.0, 40.0, "Let me tell you about our platform. It does routing, tracking and "
             "analytics. Customers love it and it integrates with everything you use.")
    result = score(_call(pitch, ("rep", 41.0, 50.0, "Does that make sense?")), "ae")
    assert result.overall < 30 and not result.passed
    assert any("One-sided call: only the rep speaks" in w for w in result.warnings)
    assert result.metrics.talk_ratio == 1.0 and result.metrics.patience_s is None
    buyer_only = score(_call(("buyer", 0.0, 5.0, "Hello? Is anyone there?")), "ae")
    assert any("the rep never speaks" in w for w in buyer_only.warnings)


def test_call_without_objections_does_not_count_objection_handling() -> None:
    result = score(GOLDEN / "no_next_step.json", "ae")
    data = result.model_dump(mode="json")
    oh = data["competencies"]["objection_handling"]
    assert {k: oh[k] for k in ("score", "level", "assessed")} == {
        "score": 0, "level": "Needs Work", "assessed": False}
    assert oh["explanation"].startswith("not observed") and "no objection" in oh["explanation"]
    for crit in oh["criteria"]:
        assert crit["score"] == 0 and crit["assessed"] is False
        assert crit["explanation"].startswith("not observed") and "no objection" in crit[
            "explanation"]
    assert any("No objection was raised" in w for w in result.warnings)
    others = [c for cid, c in data["competencies"].items() if cid != "objection_handling"]
    assert others and all(c["assessed"] for c in others)
    weighted = sum(c["score"] * c["weight"] for c in others) / sum(c["weight"] for c in others)
    assert data["overall"] == round(weighted)
    everything = list(data["competencies"].values())
    with_zero = sum(c["score"] * c["weight"] for c in everything) / sum(
        c["weight"] for c in everything)
    assert round(with_zero) < data["overall"]  # the placeholder 0 would have pulled it down
    assert data["passed"] is (data["overall"] >= data["scorecard"]["pass_mark"])


def test_unobserved_criterion_is_left_out_of_its_competency() -> None:
    result = score(GOLDEN / "plain_text_call.txt", "ae")
    control = result.competencies["conversation_control"]
    skipped = [c for c in control.criteria if not c.assessed]
    assert {c.id for c in skipped} >= {"monologue", "interruptions"}
    assert all(c.score == 0 and "plain text" in c.explanation for c in skipped)
    kept = [c for c in control.criteria if c.assessed]
    assert control.assessed and control.score == round(
        sum(c.score * c.weight for c in kept) / sum(c.weight for c in kept))
    assert "monologue" in control.explanation


def test_reports_say_not_observed_instead_of_a_zero() -> None:
    result = score(GOLDEN / "no_next_step.json", "ae")
    markdown = render_markdown(result)
    assert "| Objection handling | — | not observed |" in markdown
    assert "## Objection handling — not observed" in markdown
    assert "Objection handling — 0/100" not in markdown
    page = render_html(result)
    assert "Objection handling — not observed</h2>" in page
    assert "<td class='lvl-none'>not observed</td>" in page


def test_results_stored_with_null_scores_read_as_unassessed() -> None:
    data = score(GOLDEN / "no_next_step.json", "ae").model_dump(mode="json")
    oh = data["competencies"]["objection_handling"]
    oh.pop("assessed")
    oh.update(score=None, level="Not observed")
    for crit in oh["criteria"]:
        crit.pop("assessed")
        crit["score"] = None
    legacy = ScoreResult.model_validate(data).competencies["objection_handling"]
    assert (legacy.score, legacy.level, legacy.assessed) == (0, "Needs Work", False)
    assert all(c.score == 0 and not c.assessed for c in legacy.criteria)


@pytest.mark.parametrize(("sentence", "kind"), [
    ("What's the hardest part of that?", "open"),
    ("Got it, so how do you handle onboarding today?", "open"),
    ("What's the impact, roughly?", "open"),
    ("Walk me through a typical morning.", "open"),
    ("Do you use a routing tool?", "closed"),
    ("Is it mostly manual, or do you have tooling?", "closed"),
    ("You use Salesforce, right?", "closed"),
    ("Are they slow?", "closed"),
])
def test_open_and_closed_questions(sentence: str, kind: str) -> None:
    assert question_kind(sentence) == kind


def test_question_spans_are_sentences_of_the_turn() -> None:
    text = "Thanks. Tell me about your team. How many reps? We help teams like yours."
    spans = question_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["Tell me about your team.", "How many reps?"]


def test_fillers_and_backchannels() -> None:
    assert filler_count("Um, so, uh, you know, it basically, like, works. I mean it.") == 6
    assert filler_count("Do you know what I need? What kind of tools?") == 0
    assert is_backchannel("Mm-hmm.") and is_backchannel("Yeah, right.")
    assert not is_backchannel("Yeah, we use spreadsheets.")


def test_backchannel_does_not_break_a_monologue_or_count_as_an_interruption() -> None:
    result = score(_call(
        ("rep", 0.0, 50.0, "Our platform does a lot. " * 20),
        ("buyer", 20.0, 20.6, "Mm-hmm."),
        ("rep", 50.5, 80.0, "And it also does more things for your team. " * 10),
        ("buyer", 81.0, 85.0, "Okay, I see. That is a lot of features."),
    ), "ae")
    assert result.metrics.longest_monologue_s == 80.0
    assert result.metrics.interruptions == 0


def test_html_report_escapes_transcript_text() -> None:
    result = score(_call(("rep", 0, 3, "What does <b>this</b> & that cost you?"),
                         ("buyer", 4, 8, "About 10 hours a week of overtime.")), "ae")
    page = render_html(result)
    assert "&lt;b&gt;this&lt;/b&gt; &amp; that" in page and "<b>this</b>" not in page
    markdown = render_markdown(result)
    assert "| Rep talk ratio |" in markdown and "## Conversation metrics" in markdown


@pytest.mark.parametrize(("text", "category"), [
    ("Honestly, that's a bit expensive for us.", "price"),
    ("Our budget is tight this year.", "price"),
    ("It's not my decision, I need to run it by our CFO.", "authority"),
    ("We're mid-migration, so this isn't a good time.", "timing"),
    ("Maybe we can revisit this next quarter.", "timing"),
    ("We're also looking at another vendor.", "competitor"),
    ("Every vendor says that, so I'm skeptical.", "trust"),
    ("We're happy with what we have.", "status_quo"),
    ("We already have a tool for that.", "status_quo"),
    ("We're opening twelve stores next year.", None),
    ("We already use Salesforce for the pipeline.", None),
    ("The cost of those errors is huge for us.", None),
    ("Who else would be involved?", None),
])
def test_objections_detected_in_real_call_words(text: str, category: str | None) -> None:
    hit = detect_category(text)
    assert (hit[0] if hit else None) == category
    if hit:
        span = hit[1]
        assert text[span.start:span.end].strip()
