"""A grammar-based differential fuzzer for JMESPath: our implementation (the jmespath-check
executable, JSON lines in and out) against the reference implementation (the Python `jmespath`
package), on generated expressions and documents.

The rule: where both succeed, the results are equal; where either fails, ours fails with a named
error; ours never crashes or hangs. Numbers are equal when integers are equal exactly, and when a
double (ours holds integers past 64 bits as doubles, as JSON numbers do) is within a relative
1e-9 of Python's number. Ours failing where Python succeeds is a mismatch too, unless explained.

A case that breaks the rule is run once more on a corrected oracle: Python's jmespath with the
spec's answer where jmespath 1.0.1 strays from it, and with our documented number model. A
difference the corrected oracle explains is counted as a known deviation, by reason, with an
example; one it does not is a mismatch (or a violation), printed with its seed, case number and a
shrunk case. The corrections:
  - equality never makes a boolean equal to a number, at any depth (Python: [1] == [true]), also in contains();
  - <, <=, >, >= order numbers only, anything else gives null (Python orders strings, raises TypeError on mixed types);
  - contains(string, non-string) is false (Python raises TypeError);
  - a slice after an index is a projection too (Python appends it to the index expression);
  - the grammar as written: commas between arguments and between key-value pairs, no trailing
    comma, one number per slice part (Python accepts `f(a b)`, `{a: b c: d}`, `f(a,)`, `[1:2 3]`);
  - unknown functions are errors when the expression is compiled (Python: only when called);
  - an expression reference is a value only as an argument that takes one (Python passes its object on);
  - every argument of a variadic function is checked (Python checks the first: merge({}, [[1, 2]]) gives {1: 2});
  - to_number reads a string only as a JSON number (Python also reads "+5", "1_000", "inf");
  - to_string writes non-ASCII characters as themselves (Python escapes them; both are JSON);
  - our numbers: integers to 64 bits and finite doubles beyond, as our JSON reads documents and
    literals (Python: integers of any size, and 1e400 or NaN in a literal as non-finite floats).
Our nesting limit (too-deep) explains our failure on any expression nested past it.

Expressions come from the grammar of the JMESPath specification (every construct: identifiers,
quoted identifiers, JSON and raw-string literals, the current node, sub-expressions, indexes,
slices with extreme bounds, list and object projections, flatten, filters, comparisons, and/or/not,
multi-select lists and hashes, pipes, every function with arguments of the right and the wrong
types and numbers, expression references, parentheses), plus deep nestings of each construct and
token-level mutations. Documents have nested objects and arrays, Unicode strings, integers from
small to past 64 bits, doubles, booleans and null. Each case is made from its own seed
("SEED:CASE"), so any case can be made again alone.

Left out by construction, as outside what the two are meant to share: lone surrogates (Python
keeps them, JSON parsers replace them), numbers JSON cannot write (NaN, Infinity, 1e400), strings
that only Python's int() reads as numbers ("1_000", " ١٢"), and expression references where a
function takes a plain value (Python passes its own object through).

    python jmespath_fuzz.py --checker .build/debug/jmespath-check --cases 20000 --seed 1
    python jmespath_fuzz.py --checker ... --seed 1 --case 1234        # one case, shrunk, in full
"""
import argparse
import json
import math
import multiprocessing
import os
import random
import re
import select
import signal
import subprocess
import sys
import threading
import time

import jmespath
from jmespath import exceptions, functions, lexer, parser, visitor

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1

# ---------------------------------------------------------------------------------------------
# Values used by documents and expressions.

# Strings equal in Swift's sense (canonically equivalent) but not in JSON's (other code points).
TWINS = ["\u00e9", "e\u0301", "\u00c5", "A\u030a", "\u212b", "a\u0301\u0316", "a\u0316\u0301", "\ufb01", "fi"]
KEYS = ["a", "b", "c", "foo", "bar", "_x", "x1", "Items", "n", "with space", "0", "-1", "", "😀", '"q"', "a.b"] + TWINS[:5]
IDENTIFIER_KEYS = [k for k in KEYS if k and (k[0].isascii() and (k[0].isalpha() or k[0] == "_"))
                   and all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in k)]
INTS = [0, 1, -1, 2, 3, -7, 10, 42, 100, -100, 2 ** 31 - 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 62,
        INT64_MAX, INT64_MIN, INT64_MIN + 1, INT64_MAX - 1, 2 ** 63, -(2 ** 63) - 1, 10 ** 20, -(10 ** 20), 10 ** 30]
FLOATS = [0.0, -0.0, 0.5, -1.5, 2.25, 1000.0, 0.1, 0.2, 1e-7, 3.14159, 9.5e15, 1e16, 1e300, -1e300,
          1.7976931348623157e308, 5e-324, 2.0 ** 63, -(2.0 ** 63), 9.3e18, 123456789.125]
STRINGS = ["", "a", "abc", "foo", "Foo", "é", "e\u0301", "😀", "ß", "日本", "a\u0000b", "tab\t", 'q"', "back\\slash",
           "`tick", "'apos", "1", "-2", "1.5", "1e3", "0", "true", "null", "[1]", " 7", "a.b", "z"]
INDEXES = [0, 1, -1, 2, -2, 3, -3, 5, 10, -10, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 2 ** 63, -(2 ** 63) - 1,
           10 ** 20, -(10 ** 20)]
COMPARATORS = ["==", "!=", "<", "<=", ">", ">="]
# name: (argument types, variadic), from the specification. Types: any number string array object
# expref array-number array-string array|string.
FUNCTIONS = {
    "abs": (["number"], False), "avg": (["array-number"], False), "ceil": (["number"], False),
    "contains": (["array|string", "any"], False), "ends_with": (["string", "string"], False),
    "floor": (["number"], False), "join": (["string", "array-string"], False), "keys": (["object"], False),
    "length": (["array|string|object"], False), "map": (["expref", "array"], False), "max": (["array-number|array-string"], False),
    "max_by": (["array", "expref"], False), "merge": (["object"], True), "min": (["array-number|array-string"], False),
    "min_by": (["array", "expref"], False), "not_null": (["any"], True), "reverse": (["array|string"], False),
    "sort": (["array-number|array-string"], False), "sort_by": (["array", "expref"], False),
    "starts_with": (["string", "string"], False), "sum": (["array-number"], False), "to_array": (["any"], False),
    "to_number": (["any"], False), "to_string": (["any"], False), "type": (["any"], False), "values": (["object"], False),
}
DEEP_FORMS = [("(", "a", ")"), ("!", "a", ""), ("", "a", ".a"), ("", "a", " | a"), ("", "a", " || a"), ("", "a", " && a"),
              ("", "a", " == a"), ("[", "a", "]"), ("{a: ", "a", "}"), ("a.[", "a", "]"), ("abs(", "`-1`", ")"),
              ("to_array(", "@", ")"), ("map(&", "@", ", @)"), ("max_by(@, &", "`1`", ")"), ("", "@", "[*]"),
              ("", "@", "[]"), ("", "@", "[::1]"), ("", "@", ".*"), ("[?", "@", "]"), ("", "@", "[0]"), ("&", "a", "")]


# ---------------------------------------------------------------------------------------------
# Documents.

def gen_scalar(r):
    k = r.random()
    if k < 0.35:
        return r.choice(INTS) if r.random() < 0.5 else r.randint(-20, 20)
    if k < 0.5:
        return r.choice(FLOATS)
    if k < 0.78:
        return r.choice(STRINGS)
    if k < 0.85:
        return r.choice(TWINS)
    return r.choice([True, False, None])


def gen_value(r, depth):
    k = r.random()
    if depth >= 4 or k < 0.4:
        return gen_scalar(r)
    if k < 0.55:  # an array of one kind of scalar: what max, sort, sum and join want
        pool = r.choice([INTS, [1, 2, 3, -4, 7], FLOATS[:10], STRINGS[:10]])
        return [r.choice(pool) for _ in range(r.randint(0, 5))]
    if k < 0.75:
        return [gen_value(r, depth + 1) for _ in range(r.randint(0, 4))]
    if k < 0.85:  # an array of objects with the same keys: what projections and sort_by want
        keys = r.sample(IDENTIFIER_KEYS[:6], 2)
        return [{key: gen_scalar(r) if r.random() < 0.8 else gen_value(r, depth + 2) for key in keys} for _ in range(r.randint(0, 4))]
    return gen_object(r, depth + 1)


def gen_object(r, depth):
    keys = r.sample(KEYS if r.random() < 0.3 else IDENTIFIER_KEYS[:7], r.randint(0, 5))
    return {key: gen_value(r, depth) for key in keys}


def gen_document(r):
    k = r.random()
    if k < 0.75:
        return gen_object(r, 0)
    return gen_value(r, 1)


# ---------------------------------------------------------------------------------------------
# Expressions: small syntax trees (tuples), rendered to text. Every choice is made while
# generating, so rendering is a pure function and a shrunk tree renders consistently.

def gen_expr(r, depth=0):
    if depth > 3 or r.random() < 0.22:
        return gen_leaf(r)
    k = r.random()
    sub = lambda: gen_expr(r, depth + 1)
    if k < 0.28:
        return ("chain", gen_primary(r, depth), [gen_step(r, depth) for _ in range(r.randint(1, 3))])
    if k < 0.36:
        return ("or" if r.random() < 0.5 else "and", sub(), sub(), r.random() < 0.3)
    if k < 0.44:
        return ("cmp", r.choice(COMPARATORS), sub(), sub(), r.random() < 0.3)
    if k < 0.49:
        return ("pipe", sub(), sub(), r.random() < 0.3)
    if k < 0.53:
        return ("not", sub())
    if k < 0.57:
        return ("paren", sub())
    if k < 0.62:
        return ("list", [sub() for _ in range(r.randint(1, 3))])
    if k < 0.67:
        return ("hash", [(gen_key(r), sub()) for _ in range(r.randint(1, 3))])
    return gen_function(r, depth)


def gen_key(r):
    return r.choice(IDENTIFIER_KEYS if r.random() < 0.8 else KEYS)


def gen_leaf(r):
    k = r.random()
    if k < 0.45:
        return ("field", gen_key(r), r.random() < 0.1)
    if k < 0.55:
        return ("current",)
    if k < 0.8:
        return ("literal", gen_value(r, 2))
    if k < 0.95:
        return ("raw", r.choice(STRINGS if r.random() < 0.7 else TWINS))
    return ("legacy", r.choice(["foo", "bar baz", "a1", "x_y"]))


def gen_primary(r, depth):
    k = r.random()
    if k < 0.6:
        return ("field", gen_key(r), r.random() < 0.1)
    if k < 0.7:
        return ("current",)
    if k < 0.8:
        return ("paren", gen_expr(r, depth + 1))
    if k < 0.85:
        return ("literal", gen_value(r, 1))
    if k < 0.9:
        return gen_function(r, depth + 1)
    return ("start", r.choice(["*", "[*]", "[]", "[0]", "[-1]", "[::-1]", "[?a]"]))


def gen_step(r, depth):
    k = r.random()
    if k < 0.3:
        return ("dot", ("field", gen_key(r), r.random() < 0.1))
    if k < 0.38:
        return ("dot", r.choice([("list", [gen_expr(r, depth + 2) for _ in range(r.randint(1, 2))]),
                                 ("hash", [(gen_key(r), gen_expr(r, depth + 2))]), gen_function(r, depth + 2)]))
    if k < 0.5:
        return ("index", r.choice(INDEXES))
    if k < 0.62:
        parts = [r.choice(INDEXES) if r.random() < 0.6 else None for _ in range(3)]
        if r.random() < 0.05:
            parts[2] = 0
        return ("slice", parts[0], parts[1], parts[2], r.random() < 0.6)
    if k < 0.72:
        return ("star",)
    if k < 0.8:
        return ("flatten",)
    if k < 0.87:
        return ("dotstar",)
    return ("filter", gen_condition(r, depth + 1))


def gen_condition(r, depth):
    if r.random() < 0.6:
        return ("cmp", r.choice(COMPARATORS), ("field", gen_key(r), False), gen_leaf(r), False)
    return gen_expr(r, depth)


def gen_function(r, depth):
    name = r.choice(list(FUNCTIONS))
    types, variadic = FUNCTIONS[name]
    count = len(types) + (r.randint(0, 2) if variadic else 0)
    if r.random() < 0.05:
        count = max(0, count + r.choice([-1, 1]))
    args = []
    for i in range(count):
        t = types[min(i, len(types) - 1)]
        args.append(gen_argument(r, t if r.random() < 0.9 else "any", depth + 1))
    return ("func", name, args)


def gen_argument(r, t, depth):
    """An argument meant to have type t (though a field may hold anything)."""
    if t == "expref":
        return ("expref", gen_expr(r, depth + 1) if r.random() < 0.5 else ("field", gen_key(r), False))
    if r.random() < 0.35:
        return gen_expr(r, depth + 1)
    if r.random() < 0.4:
        return ("field", gen_key(r), False)
    if t == "number":
        return ("literal", r.choice(INTS + FLOATS))
    if t == "string":
        return ("raw", r.choice(STRINGS))
    if t == "object":
        return ("literal", gen_object(r, 3))
    if t.startswith("array"):
        pool = {"array-number": INTS + FLOATS, "array-string": STRINGS}.get(t, INTS + STRINGS)
        if "array-number|array-string" == t:
            pool = r.choice([INTS + FLOATS, STRINGS])
        return ("literal", [r.choice(pool) for _ in range(r.randint(0, 4))]) if r.random() < 0.7 else ("current",)
    return gen_leaf(r)


def gen_case(seed, i):
    """The case numbered i of a run: (expression tree, document)."""
    r = random.Random(f"{seed}:{i}")
    doc = gen_document(r)
    k = r.random()
    if k < 0.012:
        open_, inner, close = r.choice(DEEP_FORMS)
        return ("deep", open_, inner, close, r.randint(40, 700)), deep_document(r)
    expr = gen_expr(r)
    if k < 0.05:
        return ("mutated", expr, r.randrange(1 << 30)), doc
    return expr, doc


def deep_document(r):
    d = r.choice([1, "s", [], {}])
    for _ in range(r.randint(1, 120)):
        d = [d] if r.random() < 0.5 else {"a": d}
    return d


def render(node):
    kind = node[0]
    if kind == "field":
        name, quoted = node[1], node[2]
        return name if name in IDENTIFIER_KEYS and not quoted else json.dumps(name, ensure_ascii=False)
    if kind == "current":
        return "@"
    if kind == "literal":
        return "`" + json.dumps(node[1], ensure_ascii=False).replace("`", "\\`") + "`"
    if kind == "raw":
        return "'" + node[1].replace("\\", "\\\\").replace("'", "\\'") + "'"
    if kind == "legacy":
        return "`" + node[1] + "`"
    if kind == "start":
        return node[1]
    if kind == "chain":
        return render_operand(node[1]) + "".join(render_step(s) for s in node[2])
    if kind in ("or", "and", "pipe"):
        op = {"or": " || ", "and": " && ", "pipe": " | "}[kind]
        return operand(node[1], node[3]) + op + operand(node[2], node[3])
    if kind == "cmp":
        return operand(node[2], node[4]) + " " + node[1] + " " + operand(node[3], node[4])
    if kind == "not":
        return "!" + render_operand(node[1])
    if kind == "paren":
        return "(" + render(node[1]) + ")"
    if kind == "list":
        return "[" + ", ".join(render(x) for x in node[1]) + "]"
    if kind == "hash":
        return "{" + ", ".join(render(("field", k, False)) + ": " + render(v) for k, v in node[1]) + "}"
    if kind == "func":
        return node[1] + "(" + ", ".join(render(a) for a in node[2]) + ")"
    if kind == "expref":
        return "&" + render_operand(node[1])
    if kind == "deep":
        _, open_, inner, close, n = node
        return open_ * n + inner + close * n
    if kind == "mutated":
        return mutate(render(node[1]), node[2])
    raise ValueError(kind)


SIMPLE = ("field", "current", "literal", "raw", "legacy", "paren", "list", "hash", "func")


def render_operand(node):
    """A tree as the operand of a prefix or postfix operator: in parentheses unless it is simple."""
    return render(node) if node[0] in SIMPLE else "(" + render(node) + ")"


def operand(node, bare):
    """An operand of a binary operator: in parentheses unless simple or rendered bare (which tests precedence)."""
    return render(node) if bare else render_operand(node)


def render_step(step):
    kind = step[0]
    if kind == "dot":
        return "." + render(step[1])
    if kind == "index":
        return "[%d]" % step[1]
    if kind == "slice":
        a, b, c, with_step = step[1:]
        text = lambda v: "" if v is None else str(v)
        return "[" + text(a) + ":" + text(b) + (":" + text(c) if with_step else "") + "]"
    if kind == "star":
        return "[*]"
    if kind == "flatten":
        return "[]"
    if kind == "dotstar":
        return ".*"
    if kind == "filter":
        return "[?" + render(step[1]) + "]"
    raise ValueError(kind)


MUTATION_TOKENS = [".", "*", "[", "]", "[]", "[?", "{", "}", "(", ")", ",", ":", "@", "|", "||", "&", "&&", "!", "==", "<",
                   "a", '"b"', "`1`", "'c'", "-", "5", "`", "'", '"', " "]


def mutate(text, seed):
    """The text with a character deleted, a token inserted, or two characters swapped."""
    r = random.Random(seed)
    if not text:
        return r.choice(MUTATION_TOKENS)
    i = r.randrange(len(text))
    k = r.random()
    if k < 0.4:
        return text[:i] + text[i + 1:]
    if k < 0.8:
        return text[:i] + r.choice(MUTATION_TOKENS) + text[i:]
    j = r.randrange(len(text))
    chars = list(text)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# The oracle: Python's jmespath, and a corrected one.

class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def python_search(expression, data, corrected=False, seconds=5.0):
    """("ok", value) or ("error", category): a JMESPath error kind, "recursion", "timeout", or
    "python:<exception>" for an exception that is a bug of the Python implementation."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        if corrected:
            value = corrected_search(expression, data)
        else:
            value = jmespath.search(expression, data)
        try:
            json.dumps(value)
        except TypeError:
            return ("error", "python:no JSON value (an expression reference)")
        return ("ok", value)
    except Timeout:
        return ("error", "timeout")
    except RecursionError:
        return ("error", "recursion")
    except exceptions.ArityError:  # before ParseError, its base class
        return ("error", "invalid-arity")
    except (exceptions.LexerError, exceptions.ParseError, exceptions.EmptyExpressionError):
        return ("error", "syntax")
    except exceptions.UnknownFunctionError:
        return ("error", "unknown-function")
    except exceptions.JMESPathTypeError:
        return ("error", "invalid-type")
    except ValueError as e:
        return ("error", "invalid-value" if "slice step" in str(e) else "python:ValueError")
    except Exception as e:  # noqa: BLE001 - any other exception is a finding about Python
        return ("error", "python:" + type(e).__name__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def to_our_numbers(value):
    """Integers past 64 bits as doubles, as our JSON holds them."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else float(value)
    if isinstance(value, list):
        return [to_our_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: to_our_numbers(v) for k, v in value.items()}
    return value


def strict_equals(x, y):
    """JMESPath equality: booleans are never numbers, at any depth (Python's == says [1] == [true])."""
    if isinstance(x, bool) or isinstance(y, bool):
        return type(x) is type(y) and x == y
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return x == y
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(strict_equals(a, b) for a, b in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(strict_equals(x[k], y[k]) for k in x)
    return type(x) is type(y) and x == y


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def ordered(op):
    """Ordering for numbers only; null for anything else (the spec; Python also orders strings, and raises for mixed types)."""
    return lambda x, y: op(x, y) if is_number(x) and is_number(y) else None


class CorrectedInterpreter(visitor.TreeInterpreter):
    COMPARATOR_FUNC = {
        "eq": strict_equals, "ne": lambda x, y: not strict_equals(x, y),
        "lt": ordered(lambda x, y: x < y), "gt": ordered(lambda x, y: x > y),
        "lte": ordered(lambda x, y: x <= y), "gte": ordered(lambda x, y: x >= y),
    }

    def visit_comparator(self, node, value):
        return self.COMPARATOR_FUNC[node["value"]](self.visit(node["children"][0], value), self.visit(node["children"][1], value))

    def visit_literal(self, node, value):
        return to_our_numbers(node["value"])

    def visit_function_expression(self, node, value):
        args = [visitor._Expression(c["children"][0], self) if c["type"] == "expref" else self.visit(c, value) for c in node["children"]]
        return self._functions.call_function(node["value"], args)

    def visit_expref(self, node, value):
        # An expression reference is a value only as a function's argument (Python returns its own object, no JSON value).
        return None


class CorrectedFunctions(functions.Functions):
    def _type_check(self, actual, signature, function_name):
        # Every argument of a variadic function has the last parameter's type (Python checks only
        # the first), and an expression reference is no value of any other type (Python passes it on).
        for i in range(len(actual)):
            allowed = signature[min(i, len(signature) - 1)]["types"]
            if isinstance(actual[i], visitor._Expression) and "expref" not in allowed:
                raise exceptions.JMESPathTypeError(function_name, actual[i], "expref", allowed or ["any"])
            if allowed:
                self._type_check_single(actual[i], allowed, function_name)

    @functions.signature({"types": ["array", "string"]}, {"types": []})
    def _func_contains(self, subject, search):
        if isinstance(subject, str):
            return isinstance(search, str) and search in subject
        return any(strict_equals(x, search) for x in subject)

    @functions.signature({"types": []})
    def _func_to_string(self, arg):
        return arg if isinstance(arg, str) else json.dumps(arg, separators=(",", ":"), ensure_ascii=False)

    @functions.signature({"types": []})
    def _func_to_number(self, arg):
        # A string must be a JSON number (the spec; Python also reads "+5", "1_000", "inf", "nan").
        if isinstance(arg, str):
            return json_number(arg) if JSON_NUMBER.fullmatch(arg) else None
        return to_our_numbers(super()._func_to_number(arg))

    @functions.signature({"types": ["number"]})
    def _func_abs(self, arg):
        return to_our_numbers(abs(arg))

    @functions.signature({"types": ["array-number"]})
    def _func_sum(self, arg):
        return to_our_numbers(sum(arg))

    @functions.signature({"types": ["number"]})
    def _func_ceil(self, arg):
        return to_our_numbers(math.ceil(arg))

    @functions.signature({"types": ["number"]})
    def _func_floor(self, arg):
        return to_our_numbers(math.floor(arg))


JSON_NUMBER = re.compile(r"[ \t\n\r]*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?[ \t\n\r]*")


def finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def refuse_constant(name):
    raise ValueError("not JSON: " + name)


def json_number(text):
    """A JSON number as our JSON reads it: integers to 64 bits, doubles beyond, none past the double range."""
    try:
        return to_our_numbers(json.loads(text, parse_float=finite_float, parse_constant=refuse_constant))
    except (ValueError, OverflowError):
        return None


def loads_json(text):
    """JSON as our JSON reads it: no NaN or Infinity, no number past the double range."""
    return json.loads(text, parse_float=finite_float, parse_constant=refuse_constant,
                      parse_int=lambda t: int(t) if INT64_MIN <= int(t) <= INT64_MAX else finite_float(t))


class CorrectedLexer(lexer.Lexer):
    def _consume_literal(self):
        start = self._position
        lexeme = self._consume_until("`").replace("\\`", "`")
        try:
            value = loads_json(lexeme)
        except ValueError:
            try:
                value = loads_json('"%s"' % lexeme.lstrip())
            except ValueError:
                raise exceptions.LexerError(lexer_position=start, lexer_value=self._expression[start:], message="Bad token %s" % lexeme)
        return {"type": "literal", "value": value, "start": start, "end": self._position - start}


class CorrectedParser(parser.Parser):
    """The grammar as written: commas between arguments and between key-value pairs, no trailing
    comma, one number per slice part, and functions known when the expression is compiled."""
    _CACHE = {}

    def _parse(self, expression):
        self.tokenizer = CorrectedLexer().tokenize(expression)
        self._tokens = list(self.tokenizer)
        self._index = 0
        parsed = self._expression(binding_power=0)
        if self._current_token() != "eof":
            t = self._lookahead_token(0)
            raise exceptions.ParseError(t["start"], t["value"], t["type"], "Unexpected token: %s" % t["value"])
        return parser.ParsedResult(expression, parsed)

    def _token_led_lparen(self, left):
        if left["type"] != "field":
            return super()._token_led_lparen(left)
        args = []
        while self._current_token() != "rparen":
            args.append(self._expression())
            if self._current_token() == "comma":
                self._match("comma")
                if self._current_token() == "rparen":
                    self._raise_parse_error_for_token(self._lookahead_token(0), "trailing comma")
            elif self._current_token() != "rparen":
                self._raise_parse_error_for_token(self._lookahead_token(0), "expected , or )")
        self._match("rparen")
        if left["value"] not in CorrectedFunctions.FUNCTION_TABLE:
            raise exceptions.UnknownFunctionError("Unknown function: %s()" % left["value"])
        return {"type": "function_expression", "value": left["value"], "children": args}

    def _token_led_lbracket(self, left):
        # A slice is a projection after an index too (Python appends it to the index expression).
        if self._current_token() in ("number", "colon"):
            return self._project_if_slice(left, self._parse_index_expression())
        return super()._token_led_lbracket(left)

    def _parse_multi_select_hash(self):
        pairs = []
        while True:
            key_token = self._lookahead_token(0)
            self._match_multiple_tokens(token_types=["quoted_identifier", "unquoted_identifier"])
            self._match("colon")
            pairs.append({"type": "key_val_pair", "children": [self._expression(0)], "value": key_token["value"]})
            if self._current_token() == "comma":
                self._match("comma")
            else:
                self._match("rbrace")
                break
        return {"type": "multi_select_dict", "children": pairs}

    def _parse_slice_expression(self):
        parts = [None, None, None]
        index = 0
        seen = False
        while self._current_token() != "rbracket":
            if self._current_token() == "colon" and index < 2:
                index += 1
                seen = False
            elif self._current_token() == "number" and not seen:
                parts[index] = self._lookahead_token(0)["value"]
                seen = True
            else:
                self._raise_parse_error_for_token(self._lookahead_token(0), "syntax error")
            self._advance()
        self._match("rbracket")
        return {"type": "slice", "children": parts}


def corrected_search(expression, data):
    parsed = CorrectedParser().parse(expression)
    options = visitor.Options(custom_functions=CorrectedFunctions())
    return CorrectedInterpreter(options).visit(parsed.parsed, to_our_numbers(data))


# ---------------------------------------------------------------------------------------------
# Ours: the checker, a long-running process that answers one line per case.

class Checker:
    def __init__(self, path, timeout=20.0):
        self.path, self.timeout = path, timeout
        self.proc = None
        self.buffer = b""

    def start(self):
        self.proc = subprocess.Popen([self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buffer = b""

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def _line(self, deadline):
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return "hang"
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return "hang"
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not chunk:
                return "crash"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def run(self, cases):
        """Our answers to [(expression, data)]: ("ok", value), ("error", kind), ("crash", exit status) or ("hang", "")."""
        answers = []
        while len(answers) < len(cases):
            if self.proc is None:
                self.start()
            rest = cases[len(answers):]
            lines = b"".join(json.dumps({"expression": e, "data": d}).encode() + b"\n" for e, d in rest)
            writer = threading.Thread(target=self._write, args=(lines,), daemon=True)
            writer.start()
            while len(answers) < len(cases):
                line = self._line(time.monotonic() + self.timeout)
                if line in ("crash", "hang"):
                    status = "" if line == "hang" else "exit status %s" % self.proc.wait()
                    self.stop()
                    answers.append((line, status))
                    break
                answer = json.loads(line)
                answers.append(("ok", answer["result"]) if "result" in answer else ("error", answer["error"]))
            writer.join()
        return answers

    def _write(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, AttributeError):
            pass


# ---------------------------------------------------------------------------------------------
# Comparison and classification.

def same(a, b):
    """Equal JSON values, numbers compared as the module docstring says."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if a == b:
            return True
        x, y = float(a), float(b)
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


OURS_KINDS = {"syntax", "invalid-type", "invalid-value", "invalid-arity", "unknown-function", "too-deep"}


def classify(expression, data, ours, python):
    """(outcome, detail). Outcomes: "agree" (same value, or both failed), "deviation" (explained by
    the corrected oracle or our nesting limit), "mismatch" (both succeeded, values differ),
    "violation" (a crash, a hang, an unnamed error, or ours succeeding where Python failed)."""
    if ours[0] in ("crash", "hang"):
        return "violation", ours[0]
    if ours[0] == "error" and ours[1] not in OURS_KINDS:
        return "violation", "unnamed error " + str(ours[1])
    if ours[0] == "ok" and python[0] == "ok":
        if same(ours[1], python[1]):
            return "agree", "value"
        corrected = python_search(expression, data, corrected=True)
        if corrected[0] == "ok" and same(ours[1], corrected[1]):
            return "deviation", "python strays from the spec or our number model"
        return "mismatch", "values differ"
    if ours[0] == "error" and python[0] == "error":
        return "agree", "both fail"
    if ours[0] == "error":  # Python succeeded
        if ours[1] == "too-deep":
            return "deviation", "ours: too deep for our nesting limit"
        corrected = python_search(expression, data, corrected=True)
        if corrected[0] == "error":
            return "deviation", "ours fails (%s) where the spec does (Python is lenient)" % ours[1]
        return "mismatch", "ours fails (%s), Python succeeds" % ours[1]
    # Python failed, ours succeeded
    corrected = python_search(expression, data, corrected=True)
    if corrected[0] == "ok" and same(ours[1], corrected[1]):
        return "deviation", "python fails (%s) where the spec gives a value" % python[1]
    return "violation", "ours succeeds where Python fails (%s)" % python[1]


# ---------------------------------------------------------------------------------------------
# Shrinking: smaller trees and documents that still fail the same way.

def subtrees(node):
    """Smaller trees to try in place of node: its own subtrees, then simpler variants."""
    kind = node[0]
    out = []
    if kind == "chain":
        primary, steps = node[1], node[2]
        out.append(primary)
        for i in range(len(steps)):
            out.append(("chain", primary, steps[:i] + steps[i + 1:]) if len(steps) > 1 else primary)
        for i, s in enumerate(steps):
            for smaller in step_variants(s):
                out.append(("chain", primary, steps[:i] + [smaller] + steps[i + 1:]))
        for p in subtrees(primary):
            out.append(("chain", p, steps))
    elif kind in ("or", "and", "pipe"):
        out += [node[1], node[2]]
        out += [(kind, s, node[2], node[3]) for s in subtrees(node[1])]
        out += [(kind, node[1], s, node[3]) for s in subtrees(node[2])]
    elif kind == "cmp":
        out += [node[2], node[3]]
        out += [("cmp", node[1], s, node[3], node[4]) for s in subtrees(node[2])]
        out += [("cmp", node[1], node[2], s, node[4]) for s in subtrees(node[3])]
    elif kind in ("not", "paren", "expref"):
        out.append(node[1])
        out += [(kind, s) for s in subtrees(node[1])]
    elif kind == "list":
        items = node[1]
        out += items
        if len(items) > 1:
            out += [("list", items[:i] + items[i + 1:]) for i in range(len(items))]
        out += [("list", items[:i] + [s] + items[i + 1:]) for i, x in enumerate(items) for s in subtrees(x)]
    elif kind == "hash":
        pairs = node[1]
        out += [v for _, v in pairs]
        if len(pairs) > 1:
            out += [("hash", pairs[:i] + pairs[i + 1:]) for i in range(len(pairs))]
        out += [("hash", pairs[:i] + [(k, s)] + pairs[i + 1:]) for i, (k, v) in enumerate(pairs) for s in subtrees(v)]
    elif kind == "func":
        args = node[2]
        out += [a for a in args if a[0] != "expref"]
        out += [("func", node[1], args[:i] + [s] + args[i + 1:]) for i, a in enumerate(args) for s in subtrees(a)]
    elif kind == "literal":
        out += [("literal", v) for v in smaller_values(node[1])]
    elif kind == "deep":
        n = node[4]
        out += [node[:4] + (m,) for m in sorted({n // 2, n - 10, n - 1}) if 0 < m < n]
    elif kind == "mutated":
        text = render(node)
        out += [("text", text[:i] + text[i + 1:]) for i in range(len(text))]
    elif kind == "text":
        text = node[1]
        out += [("text", text[:i] + text[i + 1:]) for i in range(len(text))]
    if kind not in ("current", "field"):
        out += [("current",), ("field", "a", False)]
    return out


def step_variants(step):
    if step[0] == "filter":
        return [("filter", s) for s in subtrees(step[1])]
    if step[0] == "dot" and step[1][0] != "field":
        return [("dot", s) for s in subtrees(step[1]) if s[0] in ("field", "list", "hash", "func")]
    if step[0] == "slice":
        return [("slice",) + tuple(None if j == i else v for j, v in enumerate(step[1:4])) + (step[4],) for i in range(3) if step[1 + i] is not None]
    return []


def smaller_values(v):
    if isinstance(v, list):
        return [x for x in v] + [v[:i] + v[i + 1:] for i in range(len(v))] + [v[:i] + [s] + v[i + 1:] for i, x in enumerate(v) for s in smaller_values(x)]
    if isinstance(v, dict):
        keys = list(v)
        return [v[k] for k in keys] + [{k: v[k] for k in keys if k != drop} for drop in keys] + \
            [{**v, k: s} for k in keys for s in smaller_values(v[k])]
    if isinstance(v, str) and v:
        return [""]
    if is_number(v) and v not in (0, 1):
        return [0, 1]
    return []


def render_any(node):
    return node[1] if node[0] == "text" else render(node)


def shrink(expr, data, outcome, checker, budget=400):
    """A smaller (expression tree, document) that still classifies as outcome."""
    def fails(e, d):
        text = render_any(e)
        ours = checker.run([(text, d)])[0]
        return classify(text, d, ours, python_search(text, d))[0] == outcome

    improved = True
    while improved and budget > 0:
        improved = False
        for candidate in subtrees(expr):
            budget -= 1
            if budget <= 0:
                break
            if len(render_any(candidate)) <= len(render_any(expr)) and candidate != expr and fails(candidate, data):
                expr, improved = candidate, True
                break
        if improved:
            continue
        for candidate in smaller_values(data):
            budget -= 1
            if budget <= 0:
                break
            if fails(expr, candidate):
                data, improved = candidate, True
                break
    return render_any(expr), data


# ---------------------------------------------------------------------------------------------
# Running.

def run_range(checker_path, seed, start, stop, batch=400, keep=20):
    """Runs cases start..<stop; returns (counts, reasons, findings), findings shrunk; reasons map
    each deviation's reason to [count, first example]."""
    checker = Checker(checker_path)
    counts, reasons, findings = {}, {}, []
    try:
        for first in range(start, stop, batch):
            numbers = list(range(first, min(stop, first + batch)))
            made = [gen_case(seed, i) for i in numbers]
            texts = [(render(e), d) for e, d in made]
            ours = checker.run(texts)
            for i, (tree, data), (text, _), answer in zip(numbers, made, texts, ours):
                outcome, detail = classify(text, data, answer, python_search(text, data))
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome == "deviation":
                    reasons.setdefault(detail, [0, {"seed": seed, "case": i, "expression": text}])[0] += 1
                if outcome in ("mismatch", "violation") and len(findings) < keep:
                    small, small_data = shrink(tree, data, outcome, checker)
                    ours_small = checker.run([(small, small_data)])[0]
                    findings.append({"seed": seed, "case": i, "outcome": outcome, "detail": detail, "expression": small,
                                     "data": small_data, "ours": ours_small, "python": python_search(small, small_data)})
    finally:
        checker.stop()
    return counts, reasons, findings


def _worker(args):
    sys.setrecursionlimit(1000)
    return run_range(*args)


def run(checker_path, cases, seed, workers=None):
    """Runs `cases` cases over `workers` processes; returns (counts, reasons, findings, seconds)."""
    workers = workers or min(4, os.cpu_count() or 1)
    began = time.monotonic()
    chunk = -(-cases // workers)
    jobs = [(checker_path, seed, w * chunk, min(cases, (w + 1) * chunk)) for w in range(workers) if w * chunk < cases]
    if len(jobs) == 1:
        results = [run_range(*jobs[0])]
    else:
        with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
            results = pool.map(_worker, jobs)
    counts, reasons, findings = {}, {}, []
    for c, r, f in results:
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
        for k, (n, example) in r.items():
            reasons.setdefault(k, [0, example])[0] += n
        findings += f
    return counts, reasons, findings, time.monotonic() - began


def report(counts, reasons, findings, seconds, cases):
    lines = ["%d cases in %.1f s (%.0f a second): %s" % (cases, seconds, cases / max(seconds, 1e-9),
                                                      ", ".join("%s %d" % kv for kv in sorted(counts.items())))]
    for reason, (n, example) in sorted(reasons.items(), key=lambda kv: -kv[1][0]):
        lines.append("  deviation: %s: %d (e.g. case %d: %s)" % (reason, n, example["case"], example["expression"][:80]))
    for f in findings:
        lines.append("%s (%s), seed %s case %d: %s" % (f["outcome"].upper(), f["detail"], f["seed"], f["case"],
                                                       json.dumps({"expression": f["expression"], "data": f["data"]}, ensure_ascii=False)))
        lines.append("    ours: %s    python: %s" % (json.dumps(f["ours"], ensure_ascii=False), json.dumps(f["python"], ensure_ascii=False)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checker", required=True, help="the jmespath-check executable")
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--case", type=int, help="run only this case, and show it in full")
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args()
    if a.case is not None:
        tree, data = gen_case(a.seed, a.case)
        text = render(tree)
        checker = Checker(a.checker)
        ours = checker.run([(text, data)])[0]
        python = python_search(text, data)
        outcome = classify(text, data, ours, python)
        print(json.dumps({"expression": text, "data": data, "ours": ours, "python": python, "outcome": outcome}, ensure_ascii=False))
        if outcome[0] in ("mismatch", "violation"):
            small, small_data = shrink(tree, data, outcome[0], checker)
            print("shrunk:", json.dumps({"expression": small, "data": small_data}, ensure_ascii=False))
        checker.stop()
        return 0
    counts, reasons, findings, seconds = run(a.checker, a.cases, a.seed, a.workers)
    print(report(counts, reasons, findings, seconds, a.cases))
    return 1 if counts.get("mismatch") or counts.get("violation") else 0


if __name__ == "__main__":
    sys.exit(main())
