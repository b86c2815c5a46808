"""Answers files for `desk assist --answers`, and `--then`: validated with
Pydantic.  Recording them is `assist.record_answers`; this module imports
nothing from the services."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from deskcli.errors import InvalidValue, unknown_choice
from deskcli.workflow import ACTIONS, N_, STEPS, closest, unknown_choice_template


class Then(BaseModel):
    """What the adjust step does with the case."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    action: str
    resolution: str | None = None
    root_cause: str | None = None
    to: str | None = None
    reason: str | None = None
    in_: str | None = Field(default=None, alias="in")
    on: str | None = None

    @field_validator("action")
    @classmethod
    def _known_action(cls, value: str) -> str:
        if value not in ACTIONS:
            raise ValueError(unknown_choice("action", value, ACTIONS))
        return value


class Skip(BaseModel):
    model_config = ConfigDict(extra="forbid")
    skip: str


class Answers(BaseModel):
    """An answers file: step names in order, each a text or {"skip": reason}."""

    model_config = ConfigDict(extra="forbid")

    acknowledge: str | None = None
    apologize: str | Skip | None = None
    answer: str | None = None
    analyze: str | None = None
    adjust: str | None = None
    then: Then | None = None


def parse_answers(raw: str) -> Answers:
    """Validate an answers file; raises InvalidValue with what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidValue(
            N_("the answers are not valid JSON: {error}"), params={"error": str(exc)}
        ) from None
    if not isinstance(data, dict):
        raise InvalidValue(N_("the answers must be a JSON object of step names"), params={})
    keys = [k for k in data if k != "then"]
    unknown = [k for k in keys if k not in STEPS]
    if unknown:
        close = closest(unknown[0], STEPS)
        raise InvalidValue(
            unknown_choice_template("step", close),
            hint=N_("in the answers"),
            params={"value": unknown[0], "close": close, "choices": ", ".join(STEPS)},
        )
    if keys != sorted(keys, key=STEPS.index):
        raise InvalidValue(
            N_("the answers must list the steps in order: {steps}"),
            params={"steps": ", ".join(STEPS)},
        )
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
        raise InvalidValue(
            N_("invalid answers at {where}: {error}"),
            params={"where": where or "top level", "error": first["msg"]},
        ) from None
