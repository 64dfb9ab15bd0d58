"""Saved-reply variables: checked when a reply is saved, filled in one pass when it is used.

A variable is a known name in braces: {author_name}, {handle}, {brand}, {agent_first_name},
{offer_code}, {offer_expires}. Any other word in braces ({name}, {Author_Name}) is an error when the
reply is saved, reported with its position and a caret. A variable without a value for this
conversation (a customer whose name the platform withheld, no offer attached) is an error before
sending: a reply is filled in completely or not at all.

Never str.format: a customer's name may hold braces (even "{handle}", which must stay as written),
and format would let a template reach into attributes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError

VARIABLES = ("author_name", "handle", "brand", "agent_first_name", "offer_code", "offer_expires")
OFFER_VARIABLES = ("offer_code", "offer_expires")

VARIABLE = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")
# What looks like a variable: a word in braces. Braces around anything else ("{ }", "{:)}") are text.
BRACED_WORD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")

WHY_EMPTY = {
    "author_name": "the platform did not give this customer's name",
    "handle": "the platform did not give this customer's handle",
    "brand": "the brand has no name",
    "agent_first_name": "your profile has no first name",
    "offer_code": "no offer is attached to this reply",
    "offer_expires": "the attached offer has no expiry date",
}


class UnknownVariable(ValidationError):
    """A saved reply names a variable that does not exist; .position is its 0-based offset."""

    def __init__(self, text: str, name: str, position: int) -> None:
        line_start = text.rfind("\n", 0, position) + 1
        line_end = text.find("\n", position)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        column = position - line_start
        known = ", ".join("{" + v + "}" for v in VARIABLES)
        super().__init__(
            f"Unknown variable {{{name}}} at character {position + 1}. Known variables: {known}.\n"
            f"{line}\n{' ' * column}^",
            code="unknown_variable",
        )
        self.name = name
        self.position = position


class UnfillableVariable(ValidationError):
    """A variable with no value for this conversation: the reply must not go half filled in."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{{{name}}} cannot be filled in for this conversation: {WHY_EMPTY.get(name, 'it has no value')}. "
            "Write the words yourself or remove it.",
            code="unfillable_variable",
        )
        self.name = name


def check_variables(text: str) -> None:
    """Raise UnknownVariable for the first word in braces that is not a known variable."""
    for match in BRACED_WORD.finditer(text):
        if match.group(1) not in VARIABLES:
            raise UnknownVariable(text, match.group(1), match.start())


def variables_in(text: str) -> set[str]:
    return {match.group(1) for match in VARIABLE.finditer(text)}


def render(text: str, values: Mapping[str, str], *, keep: frozenset[str] = frozenset()) -> str:
    """The text with every variable replaced by its value, in one pass.

    A variable whose value is empty or missing raises UnfillableVariable, unless it is in `keep`:
    those stay as written, for a later step to fill (the composer leaves the offer's variables for
    the moment an offer is attached).
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in keep:
            return match.group(0)
        filled = values.get(name, "")
        if not filled:
            raise UnfillableVariable(name)
        return filled

    return VARIABLE.sub(value, text)


def render_fillable(text: str, values: Mapping[str, str]) -> str:
    """The text with every variable that has a value replaced; the others stay in braces (composer preview)."""
    return VARIABLE.sub(lambda match: values.get(match.group(1)) or match.group(0), text)
