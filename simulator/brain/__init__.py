"""The buyer brain: plays a persona turn by turn; program logic decides, the LLM words it."""

from simulator.brain.analysis import Question, UtteranceAnalysis, analyze
from simulator.brain.brain import BrainCheckpoint, BrainOptions, BrainStats, BrainTurn, BuyerBrain
from simulator.brain.guardrails import Guardrails, Violation
from simulator.brain.policy import Decision, choose_intent
from simulator.brain.reply import ClauseSplitter, ReplyRecord
from simulator.brain.state import BuyerState, StateMachine, TurnOutcome

__all__ = [
    "BrainCheckpoint",
    "BrainOptions",
    "BrainStats",
    "BrainTurn",
    "BuyerBrain",
    "BuyerState",
    "ClauseSplitter",
    "Decision",
    "Guardrails",
    "Question",
    "ReplyRecord",
    "StateMachine",
    "TurnOutcome",
    "UtteranceAnalysis",
    "Violation",
    "analyze",
    "choose_intent",
]
