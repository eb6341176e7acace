"""Broken persona files are rejected with file, line and field; good ones still load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from personas import LIBRARY_DIR, PersonaError, load_library, load_persona_file, load_persona_text

GOOD = (LIBRARY_DIR / "busy-exec-cold-call.yaml").read_text()


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _broken(text: str, file: str = "broken.yaml") -> PersonaError:
    with pytest.raises(PersonaError) as caught:
        load_persona_text(text, file)
    return caught.value


def test_the_library_file_used_as_a_base_is_valid() -> None:
    assert load_persona_text(GOOD).id == "busy-exec-cold-call"


def test_yaml_syntax_error_names_file_and_line() -> None:
    text = GOOD.replace("title: VP of Operations", "title: [VP of Operations")
    error = _broken(text, "syntax.yaml")
    (issue,) = error.issues
    assert issue.file == "syntax.yaml"
    assert "YAML syntax" in issue.message
    assert issue.line is not None and issue.line >= _line_of(text, "title: [VP")


def test_missing_field_names_the_field_and_its_parent_line() -> None:
    text = GOOD.replace("  size: 1,200 employees, 400 trucks\n", "")
    (issue,) = _broken(text).issues
    assert issue.field == "company.size"
    assert issue.message == "Field required"
    assert issue.line == _line_of(text, "company:")


def test_mistyped_field_names_the_field_line_and_value() -> None:
    text = GOOD.replace("  initial: 25\n", "  initial: high\n")
    (issue,) = _broken(text).issues
    assert issue.field == "trust.initial"
    assert issue.line == _line_of(text, "initial: high")
    assert "'high'" in issue.message


def test_misspelt_key_is_rejected_not_ignored() -> None:
    text = GOOD.replace(
        "    min_trust: 50\n    requires_facts", "    min_trusts: 50\n    requires_facts"
    )
    fields = {issue.field for issue in _broken(text).issues}
    assert "end_conditions.next_step.min_trusts" in fields
    assert "end_conditions.next_step.min_trust" in fields  # and the real one is missing


def test_out_of_range_value_is_rejected() -> None:
    text = GOOD.replace("      min_trust: 45\n", "      min_trust: 145\n")
    (issue,) = _broken(text).issues
    assert issue.field == "facts[4].unlock.min_trust"
    assert issue.line == _line_of(text, "min_trust: 145")


def test_undefined_objection_reference_names_line_and_field() -> None:
    text = GOOD.replace(
        "    requires_facts: [late_deliveries]",
        "    requires_facts: [late_deliveries]\n    requires_resolved: [price_shock]",
    )
    (issue,) = _broken(text).issues
    assert issue.field == "end_conditions.next_step.requires_resolved[0]"
    assert "price_shock" in issue.message and "not defined" in issue.message
    assert issue.line == _line_of(text, "requires_resolved: [price_shock]")


def test_undefined_fact_reference_in_unlock_rules() -> None:
    text = GOOD.replace(
        "      after: [late_deliveries]\n  - id: peak_deadline",
        "      after: [late_delivery]\n  - id: peak_deadline",
    )
    (issue,) = _broken(text).issues
    assert issue.field == "facts[1].unlock.after[0]"
    assert "late_delivery" in issue.message


def test_unknown_condition_word_is_an_error() -> None:
    text = GOOD.replace(
        "    raise_on: [pitch, monologue, stacked_questions]", "    raise_on: [pitchh, monologue]"
    )
    (issue,) = _broken(text).issues
    assert issue.field == "objections[0].raise_on[0]"
    assert "pitchh" in issue.message


def test_contradictory_thresholds_are_errors() -> None:
    text = GOOD.replace("    patience_below: 10", "    patience_below: 60")
    (issue,) = _broken(text).issues
    assert issue.field == "end_conditions.hang_up.patience_below"
    assert "would hang up at once" in issue.message
    silence = GOOD.replace("  silence_prompt_s: 5", "  silence_prompt_s: 30")
    (issue,) = _broken(silence).issues
    assert issue.field == "patience.silence_prompt_s"


def test_authored_line_that_leaks_a_fact_or_breaks_limits_is_an_error() -> None:
    text = GOOD.replace(
        "    - It's fine. Why do you ask?", "    - Nine percent late, why do you ask?"
    )
    (issue,) = _broken(text).issues
    assert issue.field == "examples.guarded[0]"
    assert "late_deliveries" in issue.message
    long = GOOD.replace("    - It's fine. Why do you ask?", "    - " + "word " * 40)
    (issue,) = _broken(long).issues
    assert "max_words" in issue.message


def test_fact_after_cycle_is_an_error() -> None:
    text = GOOD.replace(
        "      min_trust: 30\n  - id: retail",
        "      min_trust: 30\n      after: [retail_accounts_at_risk]\n  - id: retail",
    )
    fields = {issue.field for issue in _broken(text).issues}
    assert "facts[0].unlock.after" in fields


def test_yaml_boolean_key_trap_is_reported() -> None:
    """YAML 1.1 reads a bare ``on:`` key as True; that must be a clear error."""
    text = GOOD.replace("    strikes_on: [pitch]", "    on: [pitch]")
    error = _broken(text)
    assert any("hang_up" in issue.field for issue in error.issues)


def test_not_a_mapping_and_empty_file() -> None:
    assert "expected a mapping" in _broken("- just\n- a list\n").issues[0].message
    assert "empty" in _broken("").issues[0].message


def test_other_personas_still_load_next_to_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "broken.yaml").write_text(
        GOOD.replace("id: busy-exec-cold-call", "id: other\ntitle2: x")
    )
    (tmp_path / "dupe.yaml").write_text(GOOD)
    library = load_library([tmp_path])
    assert list(library.personas) == ["busy-exec-cold-call"]
    assert library.files["busy-exec-cold-call"].name == "dupe.yaml"
    messages = sorted(str(error) for error in library.errors)
    assert len(messages) == 2
    assert any("broken.yaml:2: title2: Extra inputs are not permitted" in m for m in messages)
    # files load in name order: dupe.yaml first, so good.yaml is the duplicate
    assert any("good.yaml:1: id: duplicate persona id" in m and "dupe.yaml" in m for m in messages)


def test_unreadable_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PersonaError, match="missing.yaml"):
        load_persona_file(tmp_path / "missing.yaml")


def test_validate_cli_reports_each_issue_and_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(GOOD.replace("  initial: 25\n", "  initial: high\n"))
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    result = subprocess.run(
        [sys.executable, "run_agent.py", "personas", "validate", str(tmp_path)],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    line = _line_of(broken.read_text(), "initial: high")
    assert f"{broken}:{line}: trust.initial:" in result.stderr
    assert f"{good}: ok (busy-exec-cold-call)" in result.stdout
    assert "1 valid, 1 invalid" in result.stderr
