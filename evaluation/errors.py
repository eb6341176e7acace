"""The two kinds of bad input the evaluator rejects, each naming where the problem is."""

from __future__ import annotations


class EvaluationInputError(ValueError):
    """Bad input: the message names the file, the place (turn, field, line) and what was expected.

    ``problems`` keeps every problem found, so a trainer or an integrator can fix a
    file in one pass instead of one error per run.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        lines = [f"{source}: {problem}" for problem in shown]
        if more:
            lines.append(f"{source}: ... and {more} more problem(s)")
        super().__init__("\n".join(lines))


class TranscriptError(EvaluationInputError):
    """Invalid JSON, a broken version-1 transcript, or text that is not Rep:/Buyer: lines."""


class ScorecardError(EvaluationInputError):
    """A scorecard template that is not valid YAML or breaks the template schema."""
