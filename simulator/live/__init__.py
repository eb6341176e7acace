"""The live call: a livekit-agents voice session over ``audio`` and the buyer brain.

Entry points: :class:`simulator.live.runtime.LiveRuntime` (everything a process
needs, from settings), :class:`simulator.live.service.LivePipeline` (opens calls;
the web app's ``LiveBackend``), :func:`simulator.live.factory.build_session` (the
one session factory for the embedded transport and the LiveKit worker).
Submodules are imported explicitly: livekit-agents is heavy to import.
"""
