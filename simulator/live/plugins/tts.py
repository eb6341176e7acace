"""livekit-agents streaming TTS plugin over ``audio.tts.PiperTts``.

Text arrives token by token from the buyer brain; ``audio.text_chunks``
releases the first clause as soon as it is complete, so synthesis (in a worker
thread) starts on the first few words while the LLM is still writing the
rest. Short phrases that recur (authored acknowledgements, silence prompts) are
synthesised once and served from a cache, so they play with no synthesis delay.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import numpy as np
from livekit.agents import tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

from audio.text_chunks import SpeechChunker
from audio.tts import PiperTts, VoiceOptions

logger = logging.getLogger("simulator.live.tts")

_FRAME_MS = 40
_CACHE_ENTRIES = 64
_CACHEABLE_WORDS = 6


@dataclass(frozen=True)
class TTSOptions:
    voice: VoiceOptions
    sample_rate: int = 16000
    first_clause_min_words: int = 2
    """Words the first piece needs before it may end at a comma (fewer sounds clipped)."""


class PiperStreamingTTS(tts.TTS):
    """Streaming TTS for one persona voice; the Piper model itself is shared."""

    def __init__(self, piper: PiperTts, options: TTSOptions) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=True),
            sample_rate=options.sample_rate,
            num_channels=1,
        )
        self._piper = piper
        self._options = options
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._ids = itertools.count()

    @property
    def model(self) -> str:
        return self._piper.voice_path.stem

    @property
    def provider(self) -> str:
        return "piper"

    async def prewarm_phrases(self, phrases: list[str]) -> None:
        """Synthesise short recurring phrases ahead of time (in a worker thread)."""
        for phrase in phrases:
            if phrase not in self._cache:
                self._store(phrase, await asyncio.to_thread(self._synthesize_all, phrase))

    def cached(self, text: str) -> np.ndarray | None:
        audio = self._cache.get(text.strip())
        if audio is not None:
            self._cache.move_to_end(text.strip())
        return audio

    def _store(self, text: str, audio: np.ndarray) -> None:
        if len(text.split()) <= _CACHEABLE_WORDS:
            self._cache[text.strip()] = audio
            while len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)

    def _synthesize_all(self, text: str) -> np.ndarray:
        return self._piper.synthesize_all(text, self._options.voice, self._options.sample_rate)

    async def speak(self, text: str) -> AsyncIterator[np.ndarray]:
        """Audio for one piece of text: from the cache, or synthesised chunk by chunk."""
        audio = self.cached(text)
        if audio is not None:
            yield audio
            return
        parts: list[np.ndarray] = []
        async for chunk in self._piper.astream(text, self._options.voice, self._options.sample_rate):
            parts.append(chunk.pcm)
            yield chunk.pcm
        if parts:
            self._store(text, np.concatenate(parts))

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return PiperChunkedStream(self, text, conn_options)

    def stream(
        self, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> PiperSynthesizeStream:
        return PiperSynthesizeStream(self, conn_options)


class PiperChunkedStream(tts.ChunkedStream):
    """Whole-text synthesis (``session.say`` without streaming input)."""

    def __init__(self, owner: PiperStreamingTTS, text: str, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=owner, input_text=text, conn_options=conn_options)
        self._owner = owner

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=f"piper-{next(self._owner._ids)}",
            sample_rate=self._owner.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
            frame_size_ms=_FRAME_MS,
        )
        async for pcm in self._owner.speak(self.input_text):
            output_emitter.push(pcm.astype("<i2", copy=False).tobytes())
        output_emitter.flush()


class PiperSynthesizeStream(tts.SynthesizeStream):
    """Token stream in, audio out; synthesis starts at the first complete clause."""

    def __init__(self, owner: PiperStreamingTTS, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=owner, conn_options=conn_options)
        self._owner = owner

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        request_id = f"piper-{next(self._owner._ids)}"
        output_emitter.initialize(
            request_id=request_id,
            sample_rate=self._owner.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
            frame_size_ms=_FRAME_MS,
            stream=True,
        )
        output_emitter.start_segment(segment_id=request_id)
        chunker = SpeechChunker(first_clause_min_words=self._owner._options.first_clause_min_words)
        async for item in self._input_ch:
            if isinstance(item, tts.SynthesizeStream._FlushSentinel):
                pieces = chunker.flush()
            else:
                pieces = chunker.push(item)
            for piece in pieces:
                await self._speak(piece, output_emitter)
        for piece in chunker.flush():
            await self._speak(piece, output_emitter)
        output_emitter.end_segment()

    async def _speak(self, piece: str, output_emitter: tts.AudioEmitter) -> None:
        if not any(ch.isalnum() for ch in piece):
            return
        self._mark_started()
        async for pcm in self._owner.speak(piece):
            output_emitter.push(pcm.astype("<i2", copy=False).tobytes())
