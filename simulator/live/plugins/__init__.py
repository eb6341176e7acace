"""livekit-agents plugins over our components: VAD, streaming STT, streaming TTS, buyer-brain LLM."""
