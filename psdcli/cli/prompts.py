"""Interactive questions with questionary, asked only on a terminal.

prompt_toolkit, under questionary, reads keys from whatever standard input
is: a piped "y" would answer a confirmation. With standard output redirected
it writes plain text there, and the analyst would not see the questions.
So every prompt first checks that both streams are terminals.

Ctrl-C at a prompt raises KeyboardInterrupt, and Ctrl-D in a text prompt
raises EOFError; callers treat both as "stop now".
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO, TypeVar

import questionary

from psdcli.core.decisions import require_text
from psdcli.core.errors import UsageError

T = TypeVar("T")

NON_INTERACTIVE_HINT = (
    "to decide cases from a script, use `psdcli case assess`, `psdcli case "
    "escalate` and the other commands listed by `psdcli case --help`"
)


def require_terminal(command: str) -> None:
    """Raise UsageError unless standard input and output are both terminals.

    ``command`` names the interactive command or step in the message.
    """
    if not _is_terminal(sys.stdin):
        stream = "standard input"
    elif not _is_terminal(sys.stdout):
        stream = "standard output"
    else:
        return
    raise UsageError(
        f"{command} needs a terminal, but {stream} is not one; {NON_INTERACTIVE_HINT}."
    )


def _is_terminal(stream: TextIO | None) -> bool:
    # Python sets sys.stdin to None when the process starts with file
    # descriptor 0 closed, and isatty() raises ValueError on a closed file.
    if stream is None:
        return False
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def choose(
    message: str, choices: Sequence[tuple[str, T]], default: T | None = None
) -> T:
    """Ask the analyst to pick one of ``choices``, given as (title, value) pairs.

    Typing filters the list by title, and the arrow keys move the pointer.
    NOTE: questionary 2.1.1 shows the whole list again when the filter
    matches nothing, so Enter then takes the entry under the pointer.
    """
    options = [questionary.Choice(title, value) for title, value in choices]
    pointed = next((o for o in options if o.value == default), None)
    question = questionary.select(
        message,
        choices=options,
        default=pointed,
        use_search_filter=True,
        use_jk_keys=False,
    )
    answer: T = _ask(question)
    return answer


def ask_text(
    message: str,
    *,
    default: str = "",
    check: Callable[[str], object] | None = None,
) -> str:
    """Ask for a line of text; ``check`` raises UsageError to reject an answer.

    A rejected answer stays in the prompt with the error below it until the
    analyst corrects it.
    """
    question = questionary.text(
        message,
        default=default,
        validate=None if check is None else _validator(check),
        validate_while_typing=False,
    )
    answer: str = _ask(question)
    return answer.strip()


def ask_value(message: str, parse: Callable[[str], T], *, default: str = "") -> T:
    """Ask for text until ``parse`` accepts it, and return what it returns."""
    return parse(ask_text(message, default=default, check=parse))


def confirm(message: str) -> bool:
    """Ask a yes/no question; only an explicit "y" answers yes."""
    answer: bool = _ask(questionary.confirm(message, default=False))
    return answer


def required(what: str) -> Callable[[str], str]:
    """Return a check for ``ask_text`` that rejects empty or overlong text.

    ``what`` names the value in the message, e.g. "rationale".
    """

    def check(text: str) -> str:
        if not text.strip():
            raise UsageError(f"the {what} is empty; type it, or press Ctrl-C to stop.")
        return require_text(text, what, what)

    return check


def _validator(check: Callable[[str], object]) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        try:
            check(text)
        except UsageError as error:
            return str(error)
        return True

    return validate


def _ask(question: Any) -> Any:
    require_terminal("an interactive question")
    answer = question.unsafe_ask()
    if answer is None:
        # questionary's handlers return None for a cancelled prompt: stop
        # rather than go on with a missing answer.
        raise KeyboardInterrupt
    return answer
