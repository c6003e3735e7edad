"""DuckDB's ``hash()`` and its C-library maths, bit for bit, for engines that lack them.

The co-action null model orders and samples objects by ``hash(...)`` (``coordination/ids.sql``,
``significance.sql``): for another engine to pick the same sample it must compute the same numbers.
DuckDB 2.0 hashes an integer with MurmurHash64's finaliser (a 32-bit integer zero-extended), a string by
8-byte blocks (``HashBytes``), and combines the hashes of several arguments left to right. A NULL has a
fixed hash. ``tests/test_engine.py`` checks this against DuckDB itself.

>>> duckdb_hash("a"), duckdb_hash(7), duckdb_hash("a", 7)
(12561829011207016135, 8736873150706563146, 7997196515468145345)
"""

from __future__ import annotations

import math
import re
import struct
from decimal import Decimal

_MASK = (1 << 64) - 1
_MULTIPLIER = 0xD6E8FEB86659FD93
_NULL_HASH = 13787848793156543929


def _murmur64(x: int) -> int:
    x ^= x >> 32
    x = (x * _MULTIPLIER) & _MASK
    x ^= x >> 32
    x = (x * _MULTIPLIER) & _MASK
    return x ^ (x >> 32)


def _hash_bytes(data: bytes) -> int:
    size = len(data)
    h = (0xE17A1465 ^ ((size * 0xC6A4A7935BD1E995) & _MASK)) & _MASK
    tail = size & 7
    for start in range(0, size - tail, 8):
        h = ((h ^ struct.unpack_from("<Q", data, start)[0]) * _MULTIPLIER) & _MASK
    if tail:
        h = ((h ^ int.from_bytes(data[size - tail:], "little")) * _MULTIPLIER) & _MASK
    return _murmur64(h)


def _hash_one(value: object) -> int:
    if value is None:
        return _NULL_HASH
    if isinstance(value, str):
        return _hash_bytes(value.encode("utf-8"))
    if isinstance(value, bytes):
        return _hash_bytes(value)
    if isinstance(value, (bool, int, Decimal)):  # UBIGINT, BIGINT (two's complement); see module note on INTEGER
        return _murmur64(int(value) & _MASK)
    raise TypeError(f"no DuckDB-compatible hash for {type(value).__name__}")


def duckdb_hash(*values: object) -> int:
    """What DuckDB's ``hash(v1, v2, ...)`` returns (an unsigned 64-bit integer) for strings and integers
    (BIGINT and UBIGINT; a negative INTEGER hashes differently in DuckDB and is not supported)."""
    result = _hash_one(values[0])
    for value in values[1:]:
        result ^= result >> 32
        result = ((result * _MULTIPLIER) & _MASK) ^ _hash_one(value)
    return result


def libm(name: str):
    """The C library's ``pow``, ``log2``, ``log10``, ``ln`` or ``exp``, as DuckDB calls it (Python's ``math``
    calls the same functions), for engines whose own differ in the last bits (the JVM's ``Math.pow``)."""
    import math

    function = {"pow": math.pow, "log2": math.log2, "log10": math.log10, "ln": math.log, "exp": math.exp}[name]

    def call(*values):
        if any(v is None for v in values):
            return None
        try:
            return function(*map(float, values))
        except ValueError:  # outside the domain: DuckDB gives NaN (or an error), never a number
            return float("nan")
        except OverflowError:
            return float("inf")

    return call


# DuckDB's nfc_normalize(), which Spark lacks (on non-ASCII text: ASCII text is its own NFC, see render.py).
def nfc_normalize(text: str | None) -> str | None:
    """DuckDB's ``nfc_normalize`` (Unicode NFC)."""
    import unicodedata

    return None if text is None else unicodedata.normalize("NFC", text)


def _each(function):
    """The function applied to each element of a list (Spark calls no Python function inside a lambda)."""
    return lambda values: None if values is None else [function(v) for v in values]


STRING_FUNCTIONS = {"mt_nfc_normalize": nfc_normalize}
LIST_FUNCTIONS = {f"{name}_each": _each(function) for name, function in STRING_FUNCTIONS.items()}


# --- DuckDB's format('{}', ...) and printf('%g', ...) ---------------------------------------------------------
# DuckDB formats a DOUBLE as its shortest round-trip decimal ('3.0', '0.1', '1e-05', '1e+16': Python's repr, checked
# on 45,000 values), printf's %g as C's (Python's % operator, same check); the JVM writes '1.0E-5' and, before Java
# 19, not always the shortest digits, and Java's %g keeps trailing zeros ('60.0000'). A NULL argument makes the
# whole result NULL in DuckDB (Spark's format_string writes 'null').

FORMAT_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{\}|[{}]")
PRINTF_CONVERSION = re.compile(r"%(?:%|[-+ 0#]*[0-9]*(?:\.[0-9]+)?[dsgGfFeEi])|%")


def format_value(value: object) -> str:
    """One argument of DuckDB's ``format('{}', x)`` as DuckDB writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    from decimal import Decimal

    if isinstance(value, Decimal):  # DECIMAL(20, 0)/(38, 0) are UBIGINT/HUGEINT; a fractional DECIMAL DuckDB writes as a DOUBLE
        return str(int(value)) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else repr(float(value))
    raise TypeError(f"format('{{}}') of a {type(value).__name__} has no rendering yet")


def duckdb_format(template: str | None, *values: object) -> str | None:
    """DuckDB's ``format(template, ...)`` with ``{}`` placeholders (and ``{{``, ``}}``) only."""
    if template is None or any(v is None for v in values):
        return None
    arguments = iter(values)

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "{}":
            return format_value(next(arguments))
        if token in ("{{", "}}"):
            return token[0]
        raise ValueError(f"format placeholder other than {{}} in {template!r}")

    return FORMAT_PLACEHOLDER.sub(replace, template)


def duckdb_printf(template: str | None, *values: object) -> str | None:
    """DuckDB's ``printf(template, ...)`` for %d, %i, %s, %g, %f, %e (flags, width, precision) and %%: C's."""
    if template is None or any(v is None for v in values):
        return None
    for match in PRINTF_CONVERSION.finditer(template):
        if match.group(0) == "%":
            raise ValueError(f"printf conversion not rendered: {template!r}")
    return template % tuple(int(v) if isinstance(v, bool) else v for v in values)


FORMAT_FUNCTIONS = {"mt_duckdb_format": duckdb_format, "mt_duckdb_printf": duckdb_printf}


# --- DuckDB's quantile_cont ------------------------------------------------------------------------------------
# DuckDB (this wheel, x86-64) interpolates between the order statistics lo = x[floor(RN)] and hi = x[ceil(RN)], RN =
# (n - 1) * q, as fma(lo, 1 - d, hi * d), d = RN - floor(RN): ``lo * (1 - d) + hi * d`` with the first product
# fused (the compiler contracts it). Checked on 3,000 groups of 1-40 values and seven quantiles: all equal; the
# unfused form differs on 221, lo + (hi - lo) * d on 401, Spark's percentile on some too.


def _fma(a: float, b: float, c: float) -> float:
    """a * b + c rounded once (Python 3.11 has no math.fma; int / int true division rounds correctly)."""
    from fractions import Fraction

    exact = Fraction(a) * Fraction(b) + Fraction(c)
    return exact.numerator / exact.denominator


def quantile_cont(values, q: float) -> float | None:
    """DuckDB's ``quantile_cont(x, q)`` of a group's non-NULL values (any order)."""
    if values is None or q is None:
        return None
    ordered = sorted(float(v) for v in values if v is not None)
    if not ordered:
        return None
    rn = (len(ordered) - 1) * float(q)
    low, high = math.floor(rn), math.ceil(rn)
    if low == high:
        return ordered[low]
    d = rn - low
    return _fma(ordered[low], 1.0 - d, ordered[high] * d)


def quantiles_cont(values, qs) -> list | None:
    """``quantile_cont(x, [q1, q2, ...])``: one value per quantile."""
    if values is None or qs is None:
        return None
    if not any(v is not None for v in values):
        return None
    return [quantile_cont(values, q) for q in qs]


# --- C maths over a list, and DuckDB's levenshtein (paid_amplification, render.py) ---------------------------

def libm_each(name: str):
    """The C library's function ``name`` (``libm``) applied to each element of a list (Spark calls no Python
    function inside a lambda: render.py calls this one before it)."""
    return _each(libm(name))


def levenshtein_bytes(a: str | None, b: str | None) -> int | None:
    """DuckDB's ``levenshtein``: the edit distance between the UTF-8 bytes of two texts (Spark's counts code points)."""
    if a is None or b is None:
        return None
    x, y = a.encode(), b.encode()
    previous = list(range(len(y) + 1))
    for i, byte in enumerate(x, start=1):
        current = [i]
        for j, other in enumerate(y, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (byte != other)))
        previous = current
    return previous[-1]
