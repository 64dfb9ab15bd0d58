"""Graph API field expansion: `fields=id,message,comments.limit(10).filter(stream){id,from,comments{id}}`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MODIFIER = re.compile(r"\.([A-Za-z_]+)\(([^()]*)\)")


class FieldSyntaxError(ValueError):
    pass


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    subfields: list[FieldSpec] | None = None

    def child(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.subfields or [] if spec.name == name), None)


def parse_fields(text: str) -> list[FieldSpec]:
    """The field list of a `fields` parameter; raises FieldSyntaxError on what Graph would refuse."""
    specs, position = _parse_list(text.replace(" ", ""), 0)
    if position != len(text.replace(" ", "")):
        raise FieldSyntaxError(f'Syntax error "Expected end of string instead of "{text[position:][:20]}"."')
    return specs


def _parse_list(text: str, position: int) -> tuple[list[FieldSpec], int]:
    specs: list[FieldSpec] = []
    while position < len(text) and text[position] != "}":
        match = NAME.match(text, position)
        if match is None:
            raise FieldSyntaxError(f'Syntax error "Field name expected at character {position}."')
        spec = FieldSpec(match.group(0))
        position = match.end()
        while (modifier := MODIFIER.match(text, position)) is not None:
            spec.modifiers[modifier.group(1)] = modifier.group(2)
            position = modifier.end()
        if position < len(text) and text[position] == "{":
            spec.subfields, position = _parse_list(text, position + 1)
            if position >= len(text) or text[position] != "}":
                raise FieldSyntaxError('Syntax error "Expected "}"."')
            position += 1
        specs.append(spec)
        if position < len(text) and text[position] == ",":
            position += 1
    return specs, position
