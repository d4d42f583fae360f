"""The one place where exceptions become messages and exit codes.

Exit codes: 0 success, 1 error, 2 usage error (from Typer, or a
``UsageError``), 141 when the program reading the output closed the pipe.
Ctrl-C exits with 130, as Typer does, and so does interactive triage.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

DEBUG_VARIABLE = "PSDCLI_DEBUG"
# 128 + SIGPIPE, the code a shell reports for a program ended by a closed pipe.
BROKEN_PIPE_EXIT = 141


class PsdGroup(TyperGroup):
    """The root command group; it turns domain errors into one-line messages."""

    def invoke(self, ctx: Any) -> Any:
        from psdcli.core.errors import PsdError

        try:
            result = super().invoke(ctx)
            # Output to a pipe is buffered. Flushing it here turns a reader
            # that went away into the broken-pipe exit below, not Typer's 1.
            sys.stdout.flush()
            return result
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except PsdError as error:
            _report(str(error))
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # The reader of the output went away, as `psdcli ... | head` does.
            # Further writes would fail again, so stdout goes to /dev/null.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(BROKEN_PIPE_EXIT) from None
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE) == "1":
                raise
            # The exception's own message may quote data, so only its type
            # is shown. The traceback shown in debug mode has no locals.
            _report(
                f"unexpected internal error ({type(error).__name__}); rerun with "
                f"{DEBUG_VARIABLE}=1 to see the traceback, and report it."
            )
            raise typer.Exit(1) from None


def _report(message: str) -> None:
    from psdcli import output

    output.error(message)
