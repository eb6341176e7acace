"""The shipped persona library: complete, varied and internally consistent."""

from __future__ import annotations

from collections import Counter

import pytest

from personas import load_library
from personas.schema import Persona
from personas.vocabulary import SKILLS

LIBRARY = load_library()


def test_library_loads_without_errors() -> None:
    assert [str(error) for error in LIBRARY.errors] == []
    assert len(LIBRARY.personas) >= 10


def test_library_covers_roles_difficulties_and_scenarios() -> None:
    personas = LIBRARY.personas.values()
    assert {r for p in personas for r in p.role_fit} == {"SDR", "AE", "AM"}
    assert set(Counter(p.difficulty for p in personas)) == {"easy", "medium", "hard"}
    assert {p.scenario for p in personas} == {
        "cold_call", "discovery", "demo_follow_up", "renewal", "negotiation"
    }  # fmt: skip
    assert {s for p in personas for s in p.skills} >= {
        "objection_handling", "discovery", "building_urgency", "next_steps",
        "conversation_control", "storytelling",
    }  # fmt: skip


@pytest.mark.parametrize("persona", LIBRARY.personas.values(), ids=lambda p: p.id)
def test_each_persona_is_practice_ready(persona: Persona) -> None:
    assert set(persona.skills) <= set(SKILLS)
    assert len(persona.facts) >= 3, "too few hidden facts to make discovery worth practising"
    assert persona.objections, "every persona pushes back on something"
    assert len(persona.brief.split()) >= 50, "the rep brief is one real paragraph"
    assert all(len(lines) >= 2 for lines in persona.examples.model_dump().values())


def test_named_archetypes_exist() -> None:
    by_id = LIBRARY.personas
    exec_ = by_id["busy-exec-cold-call"]
    assert exec_.scenario == "cold_call" and "pitch" in exec_.end_conditions.hang_up.strikes_on
    assert by_id["roi-cfo"].title == "Chief Financial Officer"
    assert by_id["angry-renewal"].scenario == "renewal" and "AM" in by_id["angry-renewal"].role_fit
    assert by_id["procurement-negotiator"].scenario == "negotiation"
    assert any(o.category == "authority" for o in by_id["champion-no-authority"].objections)
    assert by_id["gatekeeper"].role_fit == ["SDR"]
