"""Runs ``llama_cpp.server`` as a child that exits when its parent process dies.

Started by :class:`simulator.llm.server.EmbeddedLLMServer` as
``python _server_child.py PARENT_PID <llama_cpp.server args>``. Without this a
crashed or killed web process would leave a multi-GB model server running.
(``PR_SET_PDEATHSIG`` is not used: it fires when the *thread* that started the
child exits, and the server is started from worker threads.)
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(0)


if __name__ == "__main__":
    parent = int(sys.argv[1])
    sys.argv = ["llama_cpp.server", *sys.argv[2:]]
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
