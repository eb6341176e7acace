"""What to try instead: one concrete coaching tip per check, signal and metric.

Tips are keyed by what a criterion measures (``caved_on_price``,
``talk_ratio``...), so they apply to any trainer's template; a competency-level
tip covers criteria with no specific one.
"""

from __future__ import annotations

TIPS: dict[str, str] = {
    # discovery
    "asked_problem_question": "Ask about the problem before the product: \"What's the hardest "
                              "part of how you do this today?\"",
    "asked_implication_question": "When the buyer names a problem, ask what it costs before "
                                  "moving on: \"What happens when that slips? What does it cost "
                                  "you each month?\"",
    "asked_need_payoff_question": "Let the buyer state the value: \"If that were solved, what "
                                  "would it change for your team?\"",
    "asked_about_decision_process": "Ask early and plainly: \"Who else will weigh in, and how "
                                    "have you made decisions like this before?\"",
    "asked_about_budget": "Ask about money once there is a problem worth solving: \"How do "
                          "purchases like this usually get funded?\"",
    "asked_about_competition": "Ask what else they are considering: \"What other options are you "
                               "looking at, including doing nothing?\"",
    "spin_categories": "Work through the SPIN sequence: one situation question, then problem, "
                       "implication and need-payoff, each building on the last answer.",
    "meddpicc_coverage": "Before the call ends, check the MEDDPICC gaps: metrics, who signs, how "
                         "they decide, the paper process, a champion, the competition.",
    "facts_uncovered": "Follow each answer with one more question (\"Tell me more about that\") "
                       "instead of moving to the next topic; buyers reveal most on the second ask.",
    "open_question_ratio": "Start questions with what, how or tell me; save yes/no questions for "
                           "confirming what you already heard.",
    "open_questions": "Start questions with what, how or tell me, so the buyer answers in "
                      "sentences, not a yes or no.",
    "questions": "Plan five open questions before the call and ask them one at a time.",
    "stacked_questions": "Ask one question, then stop talking. If you catch yourself adding a "
                         "second, let the first land.",
    # objections
    "objection_score": "Use LAER: pause, acknowledge (\"That's fair\"), explore (\"What are you "
                       "comparing it to?\"), respond to the real concern, then confirm (\"Does "
                       "that address it?\").",
    "objections_resolved": "Do not move on until the buyer says the concern is handled: ask "
                           "\"Does that address your concern?\" and listen to the answer.",
    "objections_paused": "After an objection, count to two before answering; top reps pause about "
                         "1.5 s.",
    "objections_acknowledged": "Open your reply by naming the concern: \"I understand, budgets "
                               "are tight this year.\"",
    "objections_explored": "Ask before you answer: \"When you say it's too expensive, what are "
                           "you comparing it to?\"",
    "objections_responded": "Answer the concern the buyer raised, in their words, with a number "
                            "or a customer result.",
    "objections_confirmed": "Close the loop on each objection: \"Does that address your "
                            "concern?\"",
    "patience_after_objection_s": "After an objection, count to two before answering; top reps "
                                  "pause about 1.5 s.",
    "caved_on_price": "Hold the price: pause, acknowledge, and ask what they are comparing the "
                      "cost against before any number moves. Trade a concession only for a "
                      "commitment.",
    "defensive_reply": "Replace the rebuttal with a question: \"That's fair, what makes you say "
                       "that?\" Keep the reply under 30 seconds.",
    "ignored_objection": "Never talk past a concern: repeat it back and ask about it before "
                         "continuing.",
    # storytelling
    "told_customer_story": "Prepare one 30-second story: a similar customer, their problem, what "
                           "they did, and the result in numbers.",
    "story_has_numbers": "Finish the story with a concrete result: \"overtime down 60 percent in "
                         "two months\".",
    "story_matches_pain": "Pick the story that matches the pain the buyer just described, and "
                          "use their words when you tell it.",
    # urgency
    "implication_questions": "Ask a second implication question: \"And when that happens, who "
                             "else feels it?\"",
    "quantified_impact": "Get the buyer to put a number on the problem: hours a week, money a "
                         "month, deals lost.",
    "asked_to_quantify": "Ask for the number directly: \"Roughly how many hours a week does that "
                         "take?\"",
    "asked_about_timeline": "Find the date that matters: \"Is there an event or deadline this "
                            "needs to be in place for?\"",
    # next steps
    "proposed_next_step": "Never end without a proposal: suggest a specific next meeting and who "
                          "should be in it.",
    "next_step_has_date": "Put a date and time on the next step while you are still on the call: "
                          "\"Does Tuesday at 10 work?\"",
    "buyer_agreed_next_step": "Ask for the commitment and wait for a clear yes; \"send me some "
                              "information\" is not one.",
    "summarised_needs": "Before proposing the next step, play back the pains, their cost and the "
                        "deadline in two sentences.",
    "pushy_close": "Earn the close: confirm the problem and its cost before asking for a "
                   "commitment.",
    # conversation control
    "talk_ratio": "Aim to talk less than half the time: after each answer, ask one follow-up "
                  "before you say anything about the product.",
    "longest_monologue_s": "Break any explanation after 60 seconds with a question: \"How does "
                           "that compare with what you do today?\"",
    "longest_buyer_story_s": "Invite a story (\"Walk me through the last time that happened\") "
                             "and let the buyer talk without interrupting.",
    "interruptions": "Let the buyer finish: wait for a full stop and a breath before speaking.",
    "patience_s": "Leave a beat after the buyer finishes; they often add the most useful part.",
    "set_agenda": "Open with a 15-second agenda: time available, what you want to learn, and a "
                  "check that it works for them.",
    "question_spread": "Keep asking questions through the whole call, not only at the start.",
    "filler_per_min": "Replace filler words with a short pause.",
}

SKILL_HINTS: dict[str, tuple[str, ...]] = {
    "caved_on_price": ("negotiation", "value_selling"),
    "objections_responded": ("value_selling",),
    "defensive_reply": ("active_listening", "rapport"),
    "ignored_objection": ("active_listening",),
    "objections_paused": ("active_listening",),
    "patience_after_objection_s": ("active_listening",),
    "talk_ratio": ("active_listening",),
    "longest_monologue_s": ("active_listening",),
    "longest_buyer_story_s": ("active_listening",),
    "interruptions": ("active_listening",),
    "patience_s": ("active_listening",),
    "meddpicc_coverage": ("qualification",),
    "asked_about_budget": ("qualification",),
    "asked_about_decision_process": ("qualification",),
    "quantified_impact": ("value_selling",),
    "asked_to_quantify": ("value_selling",),
}
"""Persona skills (beyond the competency itself) that drill what a criterion measures:
weak price handling points to a negotiator, not just any objection-raising buyer."""

COMPETENCY_TIPS: dict[str, str] = {
    "discovery": TIPS["asked_implication_question"],
    "objection_handling": TIPS["objection_score"],
    "storytelling": TIPS["told_customer_story"],
    "building_urgency": TIPS["quantified_impact"],
    "next_steps": TIPS["next_step_has_date"],
    "conversation_control": TIPS["talk_ratio"],
}


def tip_for(measures: str, competency: str) -> str:
    """The tip for what a criterion measures, else for its competency."""
    return TIPS.get(measures) or COMPETENCY_TIPS.get(
        competency, "Review the evidence in the scorecard and practise the weakest criterion.")
