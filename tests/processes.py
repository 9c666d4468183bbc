"""The bot's command line as a child process: started with a chosen SIGINT disposition, and
always stopped, killed if it will not stop, so that no test leaves a process behind."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Literal

# A child execs the command after setting SIGINT's disposition: an ignored signal stays ignored
# across exec, as for a job a non-interactive shell starts with `&`.
_EXEC_WITH_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.{}); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def bot_command(*args: str, sigint: Literal["SIG_DFL", "SIG_IGN"] | None = None) -> list[str]:
    """`python -m bot ARGS`; with `sigint`, the process starts with that SIGINT disposition
    whatever this test run inherited."""
    command = [sys.executable, "-m", "bot", *args]
    if sigint is None:
        return command
    return [sys.executable, "-c", _EXEC_WITH_SIGINT.format(sigint), *command]


async def stop(
    proc: asyncio.subprocess.Process, sig: int | None = signal.SIGINT, timeout: float = 30
) -> tuple[bytes, bytes]:
    """Send `sig` (None: none, the process ends by itself) and wait for the process to end;
    its stdout and stderr. A process still running after `timeout` is killed and the test
    fails."""
    if sig is not None and proc.returncode is None:
        proc.send_signal(sig)
    try:
        return await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        raise AssertionError(f"the process did not end within {timeout} s") from None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
