"""Prompts are data: Dutch text files in assistant/models/prompts/, rendered strictly.

`render(name, **values)` fills {placeholders}; a missing or unknown placeholder is a
PromptError naming the file and the variable. Literal braces are written {{ and }}.
Non-goal: templating logic (loops, conditions) - the caller prepares the values.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib.resources import files

from ingest.errors import PromptError


@lru_cache(maxsize=None)
def load(name: str, package: str = "assistant.models") -> str:
    """The text of PACKAGE/prompts/NAME.txt (evals/ keeps its own prompts: package="evals")."""
    try:
        return files(package).joinpath(f"prompts/{name}.txt").read_text("utf-8")
    except FileNotFoundError:
        folder = package.replace(".", "/") + "/prompts/"
        raise PromptError(f"prompt {name!r} not found in {folder}; add {name}.txt") from None


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def render(name: str, **values: object) -> str:
    return fill(load(name), name, **values)


def fill(template: str, name: str, **values: object) -> str:
    """`template` with every placeholder filled; PromptError (naming prompt `name`) when one is
    missing or a value has no placeholder. Also used for prompt files kept elsewhere (evals/)."""
    needed = fields(template)
    missing = needed - set(values)
    if missing:
        raise PromptError(f"prompt {name!r} needs {sorted(missing)} but got only {sorted(values)}; "
                          "pass every placeholder")
    extra = set(values) - needed
    if extra:
        raise PromptError(f"prompt {name!r} has no placeholder {sorted(extra)}; remove them or add "
                          f"them to its .txt file")
    return template.format(**values)
