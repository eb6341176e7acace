"""The README is the settings reference: every settings field must be documented there."""

from pathlib import Path

from simulator.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented_in_the_readme() -> None:
    undocumented = [
        f"ROLEPLAY_{name.upper()}" for name in Settings.model_fields
        if f"`ROLEPLAY_{name.upper()}`" not in README
    ]
    assert not undocumented, f"add these settings to the README table: {undocumented}"


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]
