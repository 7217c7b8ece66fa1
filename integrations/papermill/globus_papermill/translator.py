"""The papermill translator for the Globus kernel's language.

A parameter becomes one line of the kernel's language, ``%globus vars set NAME=JSON``: the value
kept under NAME with its JSON type, for ``@{NAME}`` and ``@{NAME.PATH}`` in later cells. The
JSON is written on one line (newlines in strings are escaped), and the kernel takes the rest of
the line after ``set`` as typed: no quoting or ``$NAME`` expansion applies to it.
"""
import datetime
import json
import math
import re

from papermill.exceptions import PapermillException
from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

#: The language the kernelspec declares and the kernel's name: papermill looks a translator up
#: by kernel name first, then by language.
NAMES = ("globus",)

#: The integers the kernel keeps exactly (64-bit); beyond them a JSON number would become a float.
INT_RANGE = (-(2**63), 2**63 - 1)

#: A kept value's name, as the kernel checks it: a letter or _, then letters, digits and _.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: A line of a parameters cell: ``%globus vars set NAME=JSON``.
SET_LINE = re.compile(r"^\s*%globus\s+vars\s+set\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*?)\s*$")


class ParameterError(PapermillException):
    """A parameter papermill cannot pass to a Globus notebook (named, with why)."""


def _check(value, where):
    """Refuses what JSON (or the kernel) cannot hold exactly, naming where it is in the value."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not INT_RANGE[0] <= value <= INT_RANGE[1]:
            raise ValueError(f"{where} is {value}, outside the 64-bit integers the kernel keeps exactly; pass it as a string")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}, and JSON has no NaN or Infinity; pass null or a string instead")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise ValueError(f"{where} has the key {key!r}: JSON object keys are strings")
            _check(item, f"{where}.{key}")
        return


def _default(value):
    """JSON for what YAML can give beyond JSON's types: dates and times as ISO 8601 text."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"{value!r} (of type {type(value).__name__}) has no JSON form")


def to_json(value):
    """The value as one line of JSON (unicode as it is, so the notebook reads naturally)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_default)


class GlobusTranslator(Translator):
    """Parameters as ``%globus vars set NAME=JSON`` lines; every type papermill passes is JSON."""

    @classmethod
    def translate(cls, val):
        _check(val, "the value")
        return to_json(val)

    # Each type has its own hook in papermill; all of them are JSON here.
    translate_str = translate_none = translate_int = translate_float = translate_bool = translate
    translate_dict = translate_list = translate_escaped_str = translate

    @classmethod
    def comment(cls, cmt_str):
        return f"# {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"%globus vars set {name}={str_val}"

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        lines = [cls.comment(comment)]
        for name, val in parameters.items():
            if not isinstance(name, str) or not NAME.match(name):
                raise ParameterError(f"parameter {name!r}: a Globus notebook keeps values under names of letters, "
                                     "digits and _, not starting with a digit")
            try:
                _check(val, f"parameter {name}")
                lines.append(cls.assign(name, to_json(val)))
            except ValueError as e:
                raise ParameterError(str(e)) from None
            except TypeError as e:
                raise ParameterError(f"parameter {name}: {e}") from None
        return "\n".join(lines) + "\n"

    @classmethod
    def inspect(cls, parameters_cell):
        """The parameters cell's ``%globus vars set NAME=JSON`` lines as papermill Parameters:
        the type is the JSON value's Python type name, the default the JSON as written, and the
        help the ``#`` comment lines just above it (a blank line ends a comment). Other lines are skipped."""
        params = []
        help_lines = []
        for line in parameters_cell["source"].splitlines():
            stripped = line.strip()
            if not stripped:
                help_lines = []
                continue
            if stripped.startswith("#"):
                help_lines.append(stripped.lstrip("#").strip())
                continue
            m = SET_LINE.match(line)
            if m is None:
                help_lines = []
                continue
            try:
                type_name = type(json.loads(m["value"])).__name__
            except ValueError:
                type_name = "None"  # papermill's word for an unknown type
            params.append(Parameter(name=m["name"], inferred_type_name=type_name, default=m["value"],
                                    help=" ".join(help_lines)))
            help_lines = []
        return params


def register():
    """Registers the translator with papermill under the kernel's language and name."""
    for name in NAMES:
        papermill_translators.register(name, GlobusTranslator)
