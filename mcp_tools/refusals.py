"""One sentence for invalid arguments, whichever check refused them: the SDK's, against the
tool's signature (required, types, the ranges of arguments.py), ours, the REST models' rules
(`calls.arguments`), or the domain's (a parent that is not one of the user's tasks).

The sentence starts with the argument as the model wrote it ("title is required.", "tags[2]
must be a string.", "tasks[0].title is required.", "parent_id: Task 7 is not one of your
tasks.") and says nothing of pydantic: no error codes, no links, no input echoed back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

Error = Mapping[str, Any]  # as pydantic's `ValidationError.errors()` gives them: type, loc, msg, ctx

TYPES = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
RANGES = {
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
}
KEYED = ("missing", "extra_forbidden")  # the error's last `loc` part is the key missing or unknown
PREDICATE = re.compile(r"(?:must|may|is) ")
PYDANTIC = re.compile(r"^(?:Input|Value|String) should ")
QUOTED = re.compile(r"'([^']*)'")
SUBJECT = re.compile(r"[a-z][a-z ]*? (?=(?:must|may|is) )")  # "each tag " in "each tag must be ..."


def sentence(errors: Sequence[Error], given: Any = None) -> str:
    """The first error (an unknown name first: it explains the missing one it was meant for),
    with the others about the same argument folded in: each member of a union (an `int | str`)
    reports its own type. `given` is what was validated, to tell the argument's place from
    pydantic's tags for a union's members; None: every `loc` part is a place."""
    first = min(errors, key=lambda error: error["type"] != "extra_forbidden")
    where = name_of(first, given)
    if first["type"] in TYPES:
        expected = [TYPES[e["type"]] for e in errors if e["type"] in TYPES and name_of(e, given) == where]
        return f"{where or 'the arguments'} must be {' or '.join(dict.fromkeys(expected))}."
    return described(where or "the arguments", first)


def described(name: str, error: Error) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return f"{name} is required."
    if kind == "extra_forbidden":
        return f"Unknown argument {name}."
    if kind == "literal_error":  # ctx["expected"] reads "'low', 'medium' or 'high'"
        return f"{name} must be one of {', '.join(QUOTED.findall(ctx['expected']))}."
    if kind in RANGES:
        return f"{name} {RANGES[kind].format(**ctx)}."
    message = str(error["msg"]).removeprefix("Value error, ").rstrip(".")
    message = PYDANTIC.sub("must ", message)  # any other of pydantic's: "Input should be a valid date"
    if PREDICATE.match(message):  # "must be at most 1000 characters"
        return f"{name} {message}."
    if subject := SUBJECT.match(message):  # "title must be 1 to 200 characters after trimming"
        return f"{name} {message[subject.end() :]}."
    return f"{name}: {message}."  # a sentence of its own: "A recurring task needs a due_date"


def name_of(error: Error, given: Any) -> str:
    """Where the error is, as the model wrote it: `tags[2]`, `tasks[0].title`, `list`.

    A `loc` part names a place only when `given` has it there; the others are pydantic's tags
    for a union's member (`int`, `str`, a reminder's kind). For a missing or unknown key the
    last part is that key, and what holds it an object (a tag that is also a key, as a
    reminder's `before`, is not stepped into then)."""
    loc = list(error["loc"])
    if given is None:
        return written(loc)
    keyed = error["type"] in KEYED
    path, nodes = [], [given]  # nodes[i]: what `given` holds at path[:i]
    for part in loc[:-1] if keyed else loc:
        if holds(nodes[-1], part):
            path.append(part)
            nodes.append(nodes[-1][part])
    if keyed:
        while path and not isinstance(nodes[len(path)], Mapping):
            path.pop()
        path.append(loc[-1])
    return written(path)


def holds(node: Any, part: str | int) -> bool:
    if isinstance(node, Mapping):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def written(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def unknown_arguments(unknown: Sequence[str], known: Sequence[str]) -> str:
    """Arguments the tool does not take: named, with those it does."""
    takes = f"the only argument is {known[0]}" if len(known) == 1 else f"the arguments are {', '.join(known)}"
    plural = "s" if len(unknown) > 1 else ""
    return f"Unknown argument{plural} {', '.join(unknown)}: {takes}."
