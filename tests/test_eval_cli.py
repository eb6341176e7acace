"""``run_agent.py score`` / ``profile`` / ``bench score`` end to end, as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from run_agent import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
TOP_KEYS = {"overall", "passed", "competencies", "metrics"}
METRIC_KEYS = {"talk_ratio", "longest_monologue_s", "longest_buyer_story_s", "questions",
               "question_rate_per_min", "open_question_ratio", "stacked_questions", "patience_s",
               "patience_after_objection_s", "interruptions", "wpm", "filler_per_min",
               "switches_per_min"}


def _run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if data_dir is not None:
        env["ROLEPLAY_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, str(ROOT / "run_agent.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=env)


def test_score_json_has_the_exact_keys() -> None:
    done = _run("score", str(GOLDEN / "excellent_objection_handling.json"), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert TOP_KEYS <= set(data) and set(data["metrics"]) == METRIC_KEYS
    assert {"discovery", "objection_handling"} <= set(data["competencies"])
    for competency in data["competencies"].values():
        assert {"score", "level", "criteria"} <= set(competency)
        for criterion in competency["criteria"]:
            assert {"id", "score", "evidence", "explanation"} <= set(criterion)
            for evidence in criterion["evidence"]:
                assert set(evidence) == {"turn", "speaker", "start", "quote"}
    assert data["passed"] is True and data["scorecard"]["id"] == "ae"


def test_score_json_types_hold_when_a_competency_was_not_observed() -> None:
    """The fixed keys keep their documented types; "not observed" lives in ``assessed``."""
    done = _run("score", str(GOLDEN / "no_next_step.json"), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert type(data["overall"]) is int and 0 <= data["overall"] <= 100
    assert type(data["passed"]) is bool
    for competency in data["competencies"].values():
        assert type(competency["score"]) is int and 0 <= competency["score"] <= 100
        assert competency["level"] in ("Excellent", "Proficient", "Developing", "Needs Work")
        for criterion in competency["criteria"]:
            assert type(criterion["score"]) is int and 0 <= criterion["score"] <= 100
    oh = data["competencies"]["objection_handling"]
    assert (oh["score"], oh["level"], oh["assessed"]) == (0, "Needs Work", False)


def test_score_text_report_scorecard_choice_and_html(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    done = _run("score", str(GOLDEN / "plain_text_call.txt"), "--scorecard", "sdr",
                "--html", str(html))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Call scorecard: ")
    report = done.stdout
    assert "Sales Development Rep" in report and "Unavailable: longest_monologue_s" in report
    assert "“What happens when an urgent ticket sits for hours?” — REP, turn 4, untimed" in report
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert "What happens when an urgent ticket sits for hours?" in page


def test_score_reports_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    data = json.loads((GOLDEN / "interrogation.json").read_text())
    data["turns"][3]["end"] = 0.1
    broken.write_text(json.dumps(data))
    done = _run("score", str(broken), "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert f"{broken}: turns[3].end: 0.1 is before start" in done.stderr


def test_unknown_scorecard_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(GOLDEN / "great_discovery.json"), "--scorecard", "nope"]) == 2
    assert "built-in: ae, am, sdr" in capsys.readouterr().err


def test_profile_over_the_default_session_store(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for day, call in enumerate(["great_discovery", "caving_on_price"]):
        session = tmp_path / "sessions" / "alice" / f"s{day}"
        session.mkdir(parents=True)
        shutil.copy(GOLDEN / f"{call}.json", session / "transcript.json")
        meta = {"timestamp": f"2025-03-0{day + 1}T10:00:00"}
        (session / "meta.json").write_text(json.dumps(meta))
    done = _run("profile", "--rep", "alice", "--json", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    profile = json.loads(done.stdout)
    assert profile["sessions"] == 2 and profile["rep_id"] == "alice"
    assert {"competencies", "weakest", "practice_plan", "coaching_notes"} <= set(profile)
    assert any(item["persona_id"] for item in profile["practice_plan"])
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path))
    assert main(["profile", "--rep", "alice"]) == 0
    assert "Practice plan" in capsys.readouterr().out
    assert main(["profile", "--rep", "zed"]) == 2
    assert "reps found: alice" in capsys.readouterr().err


def test_bench_score_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "score", "--repeats", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"10min", "60min"}
    assert data["60min"]["turns"] > 5 * data["10min"]["turns"] - 10
