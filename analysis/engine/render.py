"""DuckDB SQL rendered for Apache Spark: the one place where the engines' differences are written down.

The SQL files are written once, in DuckDB's dialect. SQLGlot parses each statement (``read="duckdb"``) and
writes it for Spark 4; what SQLGlot's own translation would get wrong is rewritten here, each rule with the
reason it exists, so that Spark computes *the same numbers* as DuckDB, not merely similar ones:

- ``$name`` and ``?`` parameters become literals (a float as a DOUBLE, not Spark's DECIMAL literal);
- DuckDB macros (``CREATE MACRO``) are inlined, argument by argument;
- ``hash(...)`` is DuckDB's hash (``duckdb_hash``), as a Spark function returning DECIMAL(20, 0): the
  null model samples objects by it, and UBIGINT order needs an unsigned type;
- ``pow``, ``log2``, ``log10``/``log``, ``ln``, ``exp``: the C library's, as DuckDB's are (Python functions
  on Spark): the JVM's ``pow`` differs from glibc's in the last bits, and Spark's log2 is ln(x) / ln(2);
- ``epoch_us(ts)`` and ``make_timestamp(us)``: microseconds of a time without time zone (Spark's
  TIMESTAMP_NTZ, which is DuckDB's TIMESTAMP), with the session in UTC;
- ``CAST(x AS <integer>)`` of a DOUBLE or DECIMAL rounds half to even (DuckDB) where Spark truncates:
  ``CAST(bround(x) AS ...)``. Needs the operand's type: statements are qualified and typed by SQLGlot
  against the schemas of the engine's tables;
- ``avg(x ORDER BY k)`` (a float sum in a fixed order, so that it is reproducible): the same sequential sum
  over the values sorted by ``k``;
- ``string_agg(x, sep ORDER BY k) [FILTER (WHERE c)]`` and ``list(x ORDER BY k)``: the values sorted by a comparator
  of the keys (direction, DuckDB's NULLS LAST), then joined (string_agg skips NULLs; list keeps them);
- ``median(x)``: DuckDB's interpolation ``lo * 0.5 + hi * 0.5`` of the two middle values (Spark's median
  computes ``lo + (hi - lo) * 0.5``, at times one ulp apart); ``quantile_cont(x, q)`` (and a list of q) is DuckDB's
  ``fma(lo, 1 - d, hi * d)`` of the group's collected values, in Python (Spark's ``percentile`` differs in the last bit);
- a window ``count`` whose RANGE frame is ``w PRECEDING AND w FOLLOWING`` with ``w`` a column (Spark wants
  literals): the count of the partition's values within the frame;
- ``len(list)`` is Spark's ``size`` (SQLGlot reads DuckDB's ``len`` and ``length`` alike, as a string length):
  ``len`` is read as a list's length, and becomes ``length`` again where SQLGlot types its argument as text;
- ``trim(x)`` (and ``ltrim``/``rtrim`` without characters) strips every Unicode space separator (Zs: no-break
  space, em space, ...) in DuckDB and only ' ' in Spark: a regular expression on the class Zs;
- ``lower(x)``: DuckDB maps each code point by itself, Java (Spark) too except 'İ' (two code points) and a final
  'Σ' ('ΟΔΟΣ' -> 'οδος' in Spark, 'οδοσ' in DuckDB): both replaced before Spark's lower;
  ``nfc_normalize(x)``, which Spark lacks: the text itself when ASCII, else Python's NFC (lifted out of lambdas,
  where Spark runs no Python, by ``_python_out_of_lambda``);
- ``f(unnest(list))`` in a select list (Spark allows a generator only as a whole projection): the list is
  unnested by a ``LATERAL VIEW`` and ``f`` applied to its column (one unnest per SELECT, none with GROUP BY);
- regular expressions (RE2 in DuckDB, java.util.regex in Spark; the patterns of the SQL files mean the same in
  both: classes with ``\\x{..}`` code points, ``\\t``, anchors): ``regexp_full_match(s, p)`` is ``s RLIKE
  '^(?:p)\\z'`` (RLIKE finds, ``$`` would also match before a final newline); ``regexp_replace(s, p, r)``
  replaces the first match in DuckDB and every one in Spark, so it renders only with ``'g'`` or an anchored
  ``^`` pattern (one match either way);
- ``regexp_extract(s, p, ['a', 'b'])`` (a struct of named groups): ``named_struct('a', regexp_extract(v, p, 1),
  ...)`` of ``v`` = s bound once (``_let``); a group that did not take part is '' in both;
- ``strlen`` (bytes) is ``octet_length``; ``suffix``/``prefix`` are ``endswith``/``startswith``; ``left(s, -n)``
  (all but the last n characters in DuckDB, '' in Spark) is ``left(v, length(v) - n)``; a list parameter is an
  ``array(...)`` literal;
- ``first_value(x) OVER (... RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)``: ``last_value`` over the
  reversed order from UNBOUNDED PRECEDING (the same rows; Spark's own frame is quadratic per partition);
- ``row_number() OVER ()`` (numbering in no particular order): Spark wants an order, any will do; ``row_number``,
  ``rank``, ``dense_rank`` are cast to BIGINT (DuckDB's type; Spark's is INT);
- ``format('{}', ...)`` and ``printf('%g', ...)``: Python functions that write numbers as DuckDB does (a DOUBLE as its
  shortest round-trip decimal, %g as C's), which Java's ``format_string`` does not ('1.0E-17', '60.0000');
- ``round(x, p)`` of a DOUBLE: DuckDB's ``std::round(x * 10^p) / 10^p`` (round(0.285, 2) = 0.28; Spark rounds the
  text '0.285' half up to 0.29);
- ``epoch(a - b)`` of two timestamps: DuckDB's whole days * 86400.0 + the microseconds left / 1e6;
- ``microsecond(ts)``: the microseconds within the minute (DuckDB's meaning), ``pmod(unix_micros(ts), 60000000)``;
- ``x / y`` with a decimal literal inside (``100.0 * m / n``): a DOUBLE division, as DuckDB's ``/`` always is (Spark
  divides DECIMALs as DECIMALs);
- ``to_minutes``/``to_days`` intervals, ``epoch(ts)`` of one timestamp, ``first(x ORDER BY k)``, ``len(list)`` as a
  BIGINT, ``regexp_matches(s, p, 'i')``, ``string_agg(DISTINCT x ORDER BY x)``: see ``_mass_reporting_constructs``
  (and ``_ordered_collection``); ``UNION BY NAME`` and ``INSERT ... BY NAME`` are the engine's (``spark.py``);
- ``ASOF JOIN``: see ``_asof_join``;
- DuckDB's parsers of text (``TRY_CAST(s AS TIMESTAMP | BIGINT | DOUBLE)``, ``timezone('UTC', TRY_CAST(s AS
  TIMESTAMPTZ))``, ``try(from_json(s, '["VARCHAR"]'))``, ``CAST(ts AS VARCHAR)`` of a timestamp): DuckDB itself, per
  batch on the executors (``duckdb_parsers``); Spark's casts read and write other texts ('12.5' as a BIGINT,
  '2024-01-01 24:00', '1.5d', zone names, years BC), see ``_duckdb_parser``;
- QUALIFY is kept (Spark 4 has it; SQLGlot's Spark writer would nest a subquery);
- (paid_amplification) ``list_sum``/``list_avg`` of DOUBLE lists as DuckDB folds them; C maths inside a lambda called
  over the list before it; ``isodow`` (SQLGlot's is wrong); ``epoch_ms(ts)`` rounded as DuckDB does; ``levenshtein``
  of UTF-8 bytes; a final ``$`` as ``\\z``; QUALIFY over aggregates and correlated scalar subqueries in a grouped
  SELECT; a sum of integers as DECIMAL(38, 0) (DuckDB's HUGEINT) and a division by it as a DOUBLE division
  (see ``_list_and_time_renderings`` and the functions after it);
- UBIGINT and HUGEINT are DECIMAL(20, 0) and DECIMAL(38, 0); TIMESTAMP is TIMESTAMP_NTZ; ``temp.`` is dropped
  (the engine keeps its own temp/main namespaces, see ``spark.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import sqlglot
from sqlglot import exp, transforms
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.spark import Spark
from sqlglot.parsers.duckdb import DuckDBParser
from sqlglot.generators.spark import SparkGenerator
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

HASH_FUNCTION = "mt_duckdb_hash"
QUANTILE_FUNCTION = "mt_duckdb_quantile_cont"
LIBM_PREFIX = "mt_libm_"
LIBM_FUNCTIONS = ("pow", "log2", "log10", "ln", "exp")


class _DuckDBListLenParser(DuckDBParser):
    FUNCTIONS = {**DuckDBParser.FUNCTIONS, "LEN": lambda args: exp.ArraySize(this=args[0])}


class DuckDBLists(DuckDB):
    """DuckDB as SQLGlot reads it, except that ``len(x)`` is a list's length (the SQL files' use: ``length`` for
    text); ``_text_lengths`` turns it back into a string length where the argument is typed as text."""

    Parser = _DuckDBListLenParser


class _Spark4Generator(SparkGenerator):
    TRANSFORMS = {
        **SparkGenerator.TRANSFORMS,
        exp.Select: transforms.preprocess(
            [transforms.eliminate_distinct_on, transforms.unnest_to_explode, transforms.any_to_exists]),
    }


class Spark4(Spark):
    """Spark 4 as SQLGlot writes it, with QUALIFY left as it is."""

    Generator = _Spark4Generator


# --- parameters and macros ----------------------------------------------------------------------------------


def literal(value: object) -> exp.Expr:
    """A SQL literal of a Python value, typed as DuckDB binds it."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot bind {value!r} as a SQL literal")
        return exp.cast(exp.Literal.string(repr(value)), exp.DataType.build("double"))
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[literal(item) for item in value])
    raise TypeError(f"cannot bind a {type(value).__name__} as a SQL parameter")


def bind(tree: exp.Expr, params: Mapping[str, object] | Sequence[object] | None) -> exp.Expr:
    """Replace ``$name`` (from a mapping) and ``?`` (from a sequence, in order) by literals."""
    positional = iter(params) if isinstance(params, (list, tuple)) else None

    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder):
            name = node.name
            if name and name != "?":
                if not isinstance(params, Mapping) or name not in params:
                    raise KeyError(f"SQL parameter ${name} not given")
                return literal(params[name])
            if positional is None:
                raise KeyError("a ? parameter needs a list of values")
            return literal(next(positional))
        return node

    return tree.transform(replace, copy=False)


class Macro:
    """A DuckDB scalar macro: its parameter names and body, inlined where it is called."""

    def __init__(self, create: exp.Create):
        function = create.this  # UserDefinedFunction(this=Table(name), expressions=[parameters])
        self.name = (function.this.name if isinstance(function.this, exp.Expr) else str(function.this)).lower()
        self.parameters = [p.name for p in function.expressions]
        self.body = create.expression

    def expand(self, arguments: list[exp.Expr]) -> exp.Expr:
        if len(arguments) != len(self.parameters):
            raise ValueError(f"macro {self.name} takes {len(self.parameters)} argument(s), not {len(arguments)}")
        values = dict(zip(self.parameters, arguments))

        def substitute(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column) and not node.table and node.name in values:
                return exp.paren(values[node.name].copy())
            if isinstance(node, exp.Column) and node.table in values and not node.args.get("db"):
                # p.field with p a parameter holding a struct
                return exp.Dot(this=exp.paren(values[node.table].copy()), expression=exp.to_identifier(node.name))
            return node

        return self.body.copy().transform(substitute, copy=False)


def inline_macros(tree: exp.Expr, macros: Mapping[str, Macro]) -> exp.Expr:
    """Replace calls of the macros by their bodies (repeatedly: a macro may call another)."""
    for _ in range(20):
        calls = [node for node in tree.find_all(exp.Anonymous) if node.name.lower() in macros]
        if not calls:
            return tree
        for call in calls:
            call.replace(macros[call.name.lower()].expand(list(call.expressions)))
    raise ValueError("macros nested more than 20 deep")


# --- Spark renderings ---------------------------------------------------------------------------------------

_INTEGER_TYPES = {exp.DType.TINYINT, exp.DType.SMALLINT, exp.DType.INT, exp.DType.BIGINT, exp.DType.UBIGINT,
                  exp.DType.UINT, exp.DType.USMALLINT, exp.DType.UTINYINT, exp.DType.INT128}
_FRACTIONAL_TYPES = {exp.DType.DOUBLE, exp.DType.FLOAT, exp.DType.DECIMAL}


def _spark_type(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.DataType):
        if node.this == exp.DType.UBIGINT:
            return exp.DataType.build("DECIMAL(20, 0)")
        if node.this in (exp.DType.INT128, exp.DType.UINT128):
            return exp.DataType.build("DECIMAL(38, 0)")
        if node.this == exp.DType.TIMESTAMP:
            return exp.DataType.build("TIMESTAMP_NTZ")
    return node


def _rounded_casts(tree: exp.Expr) -> exp.Expr:
    """CAST(double AS integer) rounds half to even in DuckDB and truncates in Spark (needs typed tree)."""
    for cast in list(tree.find_all(exp.Cast)):
        if cast.to.this in _INTEGER_TYPES and cast.this.type is not None and cast.this.type.this in _FRACTIONAL_TYPES:
            cast.this.replace(exp.func("bround", cast.this.copy()))
    return tree


_HUGEINT = "DECIMAL(38, 0)"


def _stored_sums(tree: exp.Expr) -> list[exp.Sum]:
    """The sums that are columns of the result: ``sum(x)`` or ``sum(x) AS c`` in the outermost select list (not over a
    window), of a query or of the table a CREATE TABLE ... AS SELECT stores (the engine renders its query)."""
    query = tree.expression if isinstance(tree, exp.Create) else tree
    if not isinstance(query, exp.Select):
        return []
    sums = []
    for item in query.expressions:
        value = item.this if isinstance(item, exp.Alias) else item
        if isinstance(value, exp.Subquery) and isinstance(value.this, exp.Select) and len(value.this.expressions) == 1:
            value = value.this.expressions[0]  # a scalar subquery's sum (pools.sql: the jobs of a cluster's clients)
            value = value.this if isinstance(value, exp.Alias) else value
        if isinstance(value, exp.Sum):
            sums.append(value)
    return sums


def _divides_hugeints(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> bool:
    """A division in a statement that reads a table with a HUGEINT (DECIMAL(38, 0)) column: typed, so that a division
    by that column is DuckDB's DOUBLE division (``_double_division``), not Spark's DECIMAL one."""
    if not tree.find(exp.Div):
        return False
    tables = {table.name.lower() for table in tree.find_all(exp.Table)}
    return any(kind.replace(" ", "").lower() == "decimal(38,0)"
               for name, columns in schema.items() if name.lower() in tables for kind in columns.values())


def _integer_sums(tree: exp.Expr) -> exp.Expr:
    """A stored ``sum`` of integers (``_stored_sums``) is a HUGEINT column in DuckDB (Spark's sum is a BIGINT, which
    also fails on overflow): the sum of the values as DECIMAL(38, 0), HUGEINT's Spark type (``_spark_type``), which
    the bridge loads back as HUGEINT. A division by a DECIMAL is a DOUBLE division, as DuckDB's (``_double_division``).
    Sums inside a statement stay Spark's BIGINT: the same values short of overflow, and the arithmetic after them
    (co-action's null model) is then Spark's integer arithmetic, not DECIMAL's. Needs a typed tree."""
    for total in _stored_sums(tree):
        value = total.this
        if value.type is not None and value.type.this in _INTEGER_TYPES and value.type.this != exp.DType.INT128:
            value.replace(exp.cast(value.copy(), exp.DataType.build(_HUGEINT)))
    return tree


def _double_division(node: exp.Div) -> bool:
    """Whether a division must be written as DuckDB's DOUBLE division for Spark: a decimal literal inside it
    (``_has_decimal_literal``), or an operand Spark holds as a DECIMAL: a HUGEINT sum, a HUGEINT column. (Any sum
    counts: a DOUBLE one is divided as DOUBLEs anyway.)"""
    def decimal(operand: exp.Expr) -> bool:
        operand = operand.unnest()
        if isinstance(operand, exp.Sum) or (isinstance(operand, exp.Cast) and operand.to.this == exp.DType.DECIMAL):
            return True
        return operand.type is not None and operand.type.this in (exp.DType.DECIMAL, exp.DType.INT128)

    return _has_decimal_literal(node) or decimal(node.this) or decimal(node.expression)


def _text_lengths(tree: exp.Expr) -> exp.Expr:
    """``len(text)``: a string's length after all (read as a list's, see ``DuckDBLists``; needs a typed tree)."""
    for size in list(tree.find_all(exp.ArraySize)):
        if size.this.type is not None and size.this.type.this in exp.DataType.TEXT_TYPES:
            size.replace(exp.Length(this=size.this.copy()))
    return tree


_ASCII = "^\\p{ASCII}*$"
_SPACES = {"": "^\\p{Zs}+|\\p{Zs}+$", "LEADING": "^\\p{Zs}+", "TRAILING": "\\p{Zs}+$", "BOTH": "^\\p{Zs}+|\\p{Zs}+$"}


def _unless_ascii(value: exp.Expr, ascii_form: exp.Expr, function: str) -> exp.Expr:
    """``ascii_form`` when ``value`` is ASCII text (Spark's own function agrees there), else DuckDB's rule in Python.
    The test repeats ``value``: only for a column; any other expression (an EXPLODE among them, which may
    appear once per SELECT) goes to the Python function as it is."""
    if not isinstance(value, exp.Column) or value.find_ancestor(exp.Lambda) is not None:
        return exp.Anonymous(this=function, expressions=[value.copy()])
    test = exp.RegexpLike(this=value.copy(), expression=exp.Literal.string(_ASCII))
    return exp.If(this=test, true=ascii_form, false=exp.Anonymous(this=function, expressions=[value.copy()]))


_PYTHON_STRING_FUNCTIONS = ("mt_nfc_normalize",)


def _python_out_of_lambda(node: exp.Transform) -> exp.Expr:
    """Spark runs no Python function inside a lambda: ``transform(a, t -> f(p(g(t))))`` with p a Python function
    (``duckdb_hash.STRING_FUNCTIONS``) becomes ``transform(p_each(transform(a, t -> g(t))), t -> f(t))``: p
    applied to each element of the list in between. One Python call per lambda, of its variable only."""
    lam = node.expression
    calls = [n for n in lam.this.walk() if isinstance(n, exp.Anonymous) and n.name.lower() in _PYTHON_STRING_FUNCTIONS]
    if not calls:
        return node
    (variable,) = [v.name for v in lam.expressions]
    (call,) = calls if len(calls) == 1 else (None,)
    if call is None or len(call.expressions) != 1:
        raise NotImplementedError("a lambda with more than one Python function call has no Spark rendering")
    inner = call.expressions[0].copy()
    outer = lam.this.copy() if call is not lam.this else None
    if outer is not None:
        (twin,) = [n for n in outer.walk() if isinstance(n, exp.Anonymous) and n.name.lower() in _PYTHON_STRING_FUNCTIONS]
        twin.replace(exp.column(variable))
        if sum(1 for c in outer.find_all(exp.Column) if c.name == variable and not c.table) != 1:
            raise NotImplementedError("a lambda that uses its variable beside a Python function call has no Spark rendering")
    mapped = exp.Anonymous(this=f"{call.name.lower()}_each", expressions=[
        exp.Transform(this=node.this.copy(), expression=exp.Lambda(this=inner, expressions=[exp.to_identifier(variable)]))])
    if outer is None:
        return mapped
    return exp.Transform(this=mapped, expression=exp.Lambda(this=outer, expressions=[exp.to_identifier(variable)]))


def _let(value: exp.Expr, body: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    """``body(v)`` with ``v`` bound to ``value``, computed once however often ``body`` uses it:
    ``transform(array(value), mt_v -> body(mt_v))[0]`` (SQL has no let; Spark evaluates a lambda's variable once)."""
    variable = exp.to_identifier("mt_v")
    return exp.Bracket(this=exp.Transform(this=exp.Array(expressions=[value.copy()]),
                                          expression=exp.Lambda(this=body(exp.column("mt_v")), expressions=[variable])),
                       expressions=[exp.Literal.number(0)])


def _regexp_renderings(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
        names = node.args["group"].expressions
        if not all(isinstance(n, exp.Literal) and n.is_string for n in names) or node.args.get("parameters"):
            raise NotImplementedError("regexp_extract with a list renders for Spark with constant group names only")
        pattern = node.expression

        def struct(v: exp.Expr) -> exp.Expr:
            fields = []
            for index, name in enumerate(names, start=1):
                fields += [exp.Literal.string(name.this),
                           exp.Anonymous(this="regexp_extract", expressions=[v.copy(), pattern.copy(), exp.Literal.number(index)])]
            return exp.Anonymous(this="named_struct", expressions=fields)

        return _let(node.this, struct)
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string) or node.args.get("options"):
            raise NotImplementedError("regexp_full_match renders for Spark with a constant pattern and no options only")
        return exp.RegexpLike(this=node.this, expression=exp.Literal.string(f"^(?:{pattern.this})\\z"))
    if isinstance(node, exp.RegexpReplace):
        modifiers = node.args.get("modifiers")
        flags = modifiers.this if isinstance(modifiers, exp.Literal) else ("" if modifiers is None else None)
        pattern = node.expression
        anchored = isinstance(pattern, exp.Literal) and (pattern.this.startswith("^") or _one_match_at_the_end(pattern.this))
        if flags is None or set(flags) - {"g"} or not ("g" in flags or anchored) or node.args.get("position") or node.args.get("occurrence"):
            raise NotImplementedError("regexp_replace renders for Spark with 'g' (every match) or an anchored pattern only")
        return exp.RegexpReplace(this=node.this, expression=_end_of_text(pattern), replacement=node.args.get("replacement"))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "strlen":
        return exp.Anonymous(this="octet_length", expressions=node.expressions)
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("suffix", "prefix"):
        return exp.Anonymous(this="endswith" if node.name.lower() == "suffix" else "startswith", expressions=node.expressions)
    if isinstance(node, exp.Left) and isinstance(node.expression, exp.Neg) and isinstance(node.expression.this, exp.Literal):
        n = node.expression.this
        return _let(node.this, lambda v: exp.Left(this=v, expression=exp.Sub(this=exp.Length(this=v.copy()), expression=n.copy())))
    return node


def _function_renderings(node: exp.Expr) -> exp.Expr:
    for rendering in (_regexp_renderings, _list_and_time_renderings, _mass_reporting_constructs, _interval_and_list_renderings):
        rendered = rendering(node)
        if rendered is not node:
            return rendered
    if isinstance(node, exp.Transform) and isinstance(node.expression, exp.Lambda):
        return _python_out_of_lambda(node)
    if isinstance(node, exp.Trim) and node.expression is None:
        pattern = _SPACES[node.text("position").upper()]
        return exp.Anonymous(this="regexp_replace", expressions=[node.this, exp.Literal.string(pattern), exp.Literal.string("")])
    if isinstance(node, exp.Lower):
        # Java's lower (Spark's) is the per-code-point one (DuckDB's) but for two rules of context or length:
        # 'İ' -> 'i̇' (two code points) and a final 'Σ' -> 'ς'; DuckDB gives 'i' and 'σ'. Replaced first.
        dotted = exp.Anonymous(this="replace", expressions=[node.this, exp.Literal.string("\u0130"), exp.Literal.string("i")])
        sigma = exp.Anonymous(this="replace", expressions=[dotted, exp.Literal.string("\u03a3"), exp.Literal.string("\u03c3")])
        return exp.Lower(this=sigma)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "nfc_normalize":
        (value,) = node.expressions
        return _unless_ascii(value, value.copy(), "mt_nfc_normalize")
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name == "hash":
            return exp.Anonymous(this=HASH_FUNCTION, expressions=node.expressions)
        if name == "epoch_us":
            (ts,) = node.expressions
            return exp.func("unix_micros", exp.cast(ts, exp.DataType.build("TIMESTAMP")))
        if name == "microsecond":
            # DuckDB's microsecond(ts) is the microseconds within the minute, seconds included (12.345678 s ->
            # 12345678); Spark has no such function. Minutes start on whole multiples of 60 s from the epoch (UTC)
            (ts,) = node.expressions
            return exp.func("pmod", exp.func("unix_micros", exp.cast(ts, exp.DataType.build("TIMESTAMP"))),
                            exp.Literal.number(60_000_000))
    if isinstance(node, exp.UnixToTime) and node.args.get("scale") is not None and node.args["scale"].name == "6":
        micros = exp.Anonymous(this="timestamp_micros", expressions=[node.this])
        return exp.cast(micros, exp.DataType.build("TIMESTAMP_NTZ"))
    if isinstance(node, exp.Pow):
        return exp.Anonymous(this=f"{LIBM_PREFIX}pow", expressions=[node.this, node.expression])
    if isinstance(node, exp.Log):
        base = node.this if node.expression is not None else exp.Literal.number(10)  # log(x) is log10 in DuckDB
        value = node.expression if node.expression is not None else node.this
        name = {"2": "log2", "10": "log10"}.get(base.name if isinstance(base, exp.Literal) else "")
        if name is None:
            raise NotImplementedError("log with a base other than 2 or 10 has no Spark rendering yet")
        return exp.Anonymous(this=f"{LIBM_PREFIX}{name}", expressions=[value])
    if isinstance(node, (exp.Ln, exp.Exp)):
        return exp.Anonymous(this=f"{LIBM_PREFIX}{'ln' if isinstance(node, exp.Ln) else 'exp'}", expressions=[node.this])
    if isinstance(node, exp.Format) or (isinstance(node, exp.Anonymous) and node.name.lower() == "printf"):
        return _formatted(node)
    if isinstance(node, exp.TimeToUnix):
        return _epoch(node)
    if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
        return _rounded(node)
    if isinstance(node, exp.Div) and _double_division(node):
        # DuckDB's `/` is a DOUBLE division whatever its operands (100.0 * m / n: DECIMAL * BIGINT, then DOUBLE);
        # Spark divides DECIMALs as DECIMALs (rounded to 6 or more places), which can fall on the other side of .5
        double = exp.DataType.build("DOUBLE")
        return exp.Div(this=exp.cast(node.this, double), expression=exp.cast(node.expression, double))
    if isinstance(node, (exp.GroupConcat, exp.ArrayAgg)) and isinstance(node.this, exp.Order):
        if isinstance(node.parent, exp.Filter) and node.parent.this is node:
            return node  # rendered with its FILTER, one level up
        return _ordered_collection(node, None)
    if isinstance(node, exp.Filter) and isinstance(node.this, (exp.GroupConcat, exp.ArrayAgg)) and isinstance(node.this.this, exp.Order):
        return _ordered_collection(node.this, node.expression.this)
    if isinstance(node, exp.Avg) and isinstance(node.this, exp.Order):
        return _ordered_avg(node.this)
    if isinstance(node, exp.Median) and not isinstance(node.parent, exp.Window):
        return _median(node.this)
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        # quantile_cont(x, q): DuckDB's interpolation, fma(lo, 1 - d, hi * d) (duckdb_hash.quantile_cont), over the
        # group's values; Spark's percentile computes (hi_i - RN) * lo + d * hi, and differs in the last bit at times
        q = node.expression
        double = exp.DataType.build("DOUBLE")
        values = exp.Anonymous(this="collect_list", expressions=[exp.cast(node.this, double)])
        if isinstance(q, exp.Array):
            return exp.Anonymous(this=f"{QUANTILE_FUNCTION}_list", expressions=[
                values, exp.Array(expressions=[exp.cast(e, double) for e in q.expressions])])
        return exp.Anonymous(this=QUANTILE_FUNCTION, expressions=[values, exp.cast(q, double)])
    return _spark_type(node)


# --- list aggregates, C maths inside lambdas, weekdays, milliseconds, byte edit distances (paid_amplification) ---

LEVENSHTEIN_FUNCTION = "mt_duckdb_levenshtein"


def _ends_with_dollar(pattern: str) -> bool:
    """The pattern ends with an anchor ``$``, not an escaped ``\\$``."""
    return pattern.endswith("$") and (len(pattern) - len(pattern[:-1].rstrip("\\")) - 1) % 2 == 0


def _one_match_at_the_end(pattern: str) -> bool:
    """``...+$``: a match that reaches the end of the text and is not empty, so there is one at most (DuckDB replaces
    the first match, Spark every one: the same here; ``[0-9]*$`` would also match the empty end after it in Java)."""
    return _ends_with_dollar(pattern) and pattern[:-1].endswith("+") and not pattern[:-1].endswith("\\+")


def _end_of_text(pattern: exp.Expr) -> exp.Expr:
    """A final ``$`` is the end of the text in RE2 (DuckDB) and also before a final line break in java.util.regex
    (Spark): ``\\z`` is RE2's meaning in Java ('x_12345\\n' has no digit suffix in DuckDB)."""
    if isinstance(pattern, exp.Literal) and pattern.is_string and _ends_with_dollar(pattern.this):
        return exp.Literal.string(pattern.this[:-1] + "\\z")
    return pattern


def _list_and_time_renderings(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.RegexpExtract) and not isinstance(node.args.get("group"), exp.Array):
        pattern = _end_of_text(node.expression)
        if pattern is not node.expression:
            node = node.copy()
            node.set("expression", pattern)
            return node
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("list_sum", "list_avg"):
        (values,) = node.expressions
        return _let(values, lambda v: _list_sum_or_avg(v, average=node.name.lower() == "list_avg"))
    if isinstance(node, exp.Transform) and isinstance(node.expression, exp.Lambda):
        return _libm_out_of_lambda(node)
    if isinstance(node, exp.DayOfWeekIso):
        # isodow: Monday 1 ... Sunday 7; Spark's weekday is Monday 0 ... Sunday 6. (SQLGlot writes dayofweek(ts) % 7 + 1:
        # Saturday 1, Sunday 2, ... Friday 7, wrong on every day)
        return exp.Add(this=exp.Anonymous(this="weekday", expressions=[node.this]), expression=exp.Literal.number(1))
    if isinstance(node, exp.UnixToTime) and node.args.get("scale") is not None and node.args["scale"].name == "3":
        return _epoch_ms(node.this)
    if isinstance(node, exp.Levenshtein) and not any(node.args.get(k) for k in ("ins_cost", "del_cost", "sub_cost", "max_dist")):
        # DuckDB counts edits of UTF-8 bytes ('é' -> 'e' is 2), Spark of code points (1): the same on ASCII text only
        a, b = node.this, node.expression
        ascii_text = exp.And(this=exp.RegexpLike(this=a.copy(), expression=exp.Literal.string(_ASCII)),
                             expression=exp.RegexpLike(this=b.copy(), expression=exp.Literal.string(_ASCII)))
        return exp.If(this=ascii_text, true=exp.Levenshtein(this=a.copy(), expression=b.copy()),
                      false=exp.Anonymous(this=LEVENSHTEIN_FUNCTION, expressions=[a.copy(), b.copy()]))
    return node


def _list_sum_or_avg(values: exp.Expr, *, average: bool) -> exp.Expr:
    """DuckDB's ``list_sum``/``list_avg`` of a list of DOUBLE: its sum aggregate over the elements in list order,
    0.0 + x1 + x2 ..., NULLs skipped, NULL when no element is not NULL (an empty list too); the average is that sum
    over the count. Spark's ``aggregate`` folds in list order too. (An integer list's sum is a HUGEINT in DuckDB:
    not rendered, it would come out DOUBLE here.)"""
    x, acc = exp.to_identifier("mt_x"), exp.to_identifier("mt_acc")
    double = exp.DataType.build("DOUBLE")
    present = exp.Lambda(this=exp.Not(this=exp.Is(this=exp.column("mt_x"), expression=exp.null())), expressions=[x.copy()])
    known = exp.ArrayFilter(this=values.copy(), expression=present)
    total = exp.Anonymous(this="aggregate", expressions=[
        known, exp.cast(exp.Literal.number(0), double),
        exp.Lambda(this=exp.Add(this=exp.column("mt_acc"), expression=exp.cast(exp.column("mt_x"), double)),
                   expressions=[acc, x.copy()])])
    count = exp.ArraySize(this=known.copy())
    result = exp.Div(this=total, expression=count.copy()) if average else total
    return exp.If(this=exp.GT(this=count, expression=exp.Literal.number(0)), true=result, false=exp.null())


def _libm_out_of_lambda(node: exp.Transform) -> exp.Expr:
    """``transform(a, c -> f(c, ln(g(c))))``: the C library's functions are Python functions on Spark (``LIBM_FUNCTIONS``),
    which Spark does not call inside a lambda. The call is made once per element beforehand, over the list
    (``mt_libm_<name>_each(transform(a, c -> g(c)))``, bound once), and the lambda reads its result by the
    element's index. The function's value at a point outside its domain is NaN there (ln(0): DuckDB's -inf): the
    lambda must not use it (features.sql's entropies guard ln(c) by c > 0)."""
    lam = node.expression
    calls = [n for n in lam.this.walk() if isinstance(n, exp.Anonymous) and n.name.lower().startswith(LIBM_PREFIX)]
    if not calls:
        return node
    (variable,) = [v.name for v in lam.expressions]
    if len(calls) != 1 or len(calls[0].expressions) != 1:
        raise NotImplementedError("a lambda with more than one C-maths call (or one of two arguments) has no Spark rendering")
    call = calls[0]
    index = exp.to_identifier("mt_i")
    mapped = exp.Anonymous(this=f"{call.name.lower()}_each", expressions=[exp.Transform(
        this=node.this.copy(), expression=exp.Lambda(this=exp.cast(call.expressions[0].copy(), exp.DataType.build("DOUBLE")),
                                                     expressions=[exp.to_identifier(variable)]))])

    def read(values: exp.Expr) -> exp.Expr:
        body = lam.this.copy()
        (twin,) = [n for n in body.walk() if isinstance(n, exp.Anonymous) and n.name.lower() == call.name.lower()]
        twin.replace(exp.Bracket(this=values.copy(), expressions=[exp.column("mt_i")]))
        return exp.Transform(this=node.this.copy(), expression=exp.Lambda(this=body, expressions=[exp.to_identifier(variable), index]))

    return _let(mapped, read)


def _grouped_qualify(select: exp.Expr) -> exp.Expr:
    """``SELECT ... GROUP BY ... QUALIFY <window over aggregates>`` (features.sql's top authors: ``row_number() OVER (...
    ORDER BY count(*) DESC, ...)``): Spark 4 cannot resolve an aggregate inside QUALIFY's window and reports a missing
    GROUP BY. The condition becomes a column of the grouped SELECT (where Spark allows it), filtered one level up:
    the same rows, as QUALIFY is evaluated after the grouping in both."""
    if not isinstance(select, exp.Select) or not select.args.get("qualify") or not select.args.get("group"):
        return select
    names = select.named_selects
    if len(names) != len(select.expressions) or "*" in names:
        raise NotImplementedError("QUALIFY with GROUP BY renders for Spark with named select items only")
    inner = select.copy()
    condition = inner.args["qualify"].this
    inner.set("qualify", None)
    inner.set("order", None)
    inner.append("expressions", exp.alias_(condition, "mt_qualify"))
    outer = exp.select(*[exp.column(name) for name in names]).from_(inner.subquery("mt_grouped")).where(exp.column("mt_qualify"))
    if select.args.get("order"):
        outer.set("order", select.args["order"])
    return outer


def _grouped_scalar_subqueries(select: exp.Expr) -> exp.Expr:
    """A scalar subquery in the select list of a grouped SELECT, correlated on the grouping keys (pools.sql's
    ``amp_pool_size``: ``(SELECT count(*) FROM c WHERE c.cluster_id = k.cluster_id)``): one value per group, which
    Spark accepts only inside an aggregate. ``any_value`` of it is that value."""
    if not isinstance(select, exp.Select) or not select.args.get("group"):
        return select
    for item in select.expressions:
        value = item.this if isinstance(item, exp.Alias) else item
        if isinstance(value, exp.Subquery):
            name = value.alias  # a subquery may carry its own alias (SQLGlot's qualify puts one there)
            bare = value.copy()
            bare.set("alias", None)
            chosen = exp.Anonymous(this="any_value", expressions=[bare])
            value.replace(exp.alias_(chosen, name) if name else chosen)
    return select


def _epoch_ms(ts: exp.Expr) -> exp.Expr:
    """``epoch_ms(ts)`` of a timestamp: DuckDB rounds the microseconds to the nearest millisecond, halves away from
    zero (0.5 ms -> 1, -0.5 ms -> -1, 0.999 ms -> 1); Spark's ``unix_millis`` floors. (SQLGlot reads epoch_ms as the
    other direction, milliseconds to a timestamp, which the SQL files do not use.)"""
    micros = exp.func("unix_micros", exp.cast(ts, exp.DataType.build("TIMESTAMP")))

    def rounded(m: exp.Expr) -> exp.Expr:
        half_up = exp.IntDiv(this=exp.paren(exp.Add(this=m.copy(), expression=exp.Literal.number(500))),
                             expression=exp.Literal.number(1000))
        half_down = exp.Neg(this=exp.paren(exp.IntDiv(this=exp.paren(exp.Sub(this=exp.Literal.number(500), expression=m.copy())),
                                                      expression=exp.Literal.number(1000))))
        return exp.If(this=exp.GTE(this=m.copy(), expression=exp.Literal.number(0)), true=half_up, false=half_down)

    return _let(micros, rounded)


# --- intervals, epoch of a timestamp, ordered first, case-insensitive regexp (mass_reporting) ------------------

_INTERVAL_UNITS = {"to_minutes": "MINUTE", "to_days": "DAY"}


def _mass_reporting_constructs(node: exp.Expr) -> exp.Expr:
    """DuckDB constructs the mass-reporting statements use:

    - ``to_minutes(n)``, ``to_days(n)`` (an INTERVAL of n minutes or days, added to a TIMESTAMP): Spark has neither
      function; ``n * INTERVAL '1' MINUTE`` is its day-time interval of the same microseconds (a day of a time
      without time zone is 86,400 s in both), exact for any n, negative ones too;
    - ``epoch(ts)`` of one timestamp: DuckDB's ``double(microseconds) / 1e6`` (checked against DuckDB on 100,000
      times before and after 1970; whole seconds plus the fraction differs in the last bit on a fifth of them).
      SQLGlot writes Spark's ``unix_timestamp``, whole seconds: every fraction lost (-0.000001 s is 0);
    - ``first(x ORDER BY k, ...)`` (the first value in that order, NULL included, as DuckDB's ``first``): the
      first element of ``list(x ORDER BY k, ...)`` (``_ordered_collection``: each key's direction, NULLS LAST);
      Spark's ``first`` takes no order (SQLGlot writes one Spark cannot parse). Values that tie on every key
      come in collection order: DuckDB's pick among them is arbitrary too, so the SQL must break ties itself
      (features.sql orders by the value last);
    - ``len(list)``: DuckDB's is a BIGINT, Spark's ``size`` an INT (a stored count, such as
      mass_report_participants.other_targets, keeps DuckDB's type);
    - ``regexp_matches(s, p, 'i')``: RE2's case-insensitive match folds every script's case; SQLGlot drops the
      option (Spark's RLIKE is case-sensitive) and Java's ``(?i)`` alone folds ASCII only: ``(?iu)`` before p.
      Java and RE2 still differ on the Turkish dotted and dotless i ('İ', 'ı' match 'i' in Java, not in RE2)."""
    name = "to_days" if isinstance(node, exp.ToDays) else node.name.lower() if isinstance(node, exp.Anonymous) else ""
    if name in _INTERVAL_UNITS:
        (count,) = [node.this] if isinstance(node, exp.ToDays) else node.expressions
        unit = exp.Interval(this=exp.Literal.string("1"), unit=exp.Var(this=_INTERVAL_UNITS[name]))
        return exp.Mul(this=exp.paren(count.copy()), expression=unit)
    if isinstance(node, exp.TimeToUnix) and not isinstance(node.this, exp.Sub) and node.args.get("scale") is None:
        micros = exp.func("unix_micros", exp.cast(node.this.copy(), exp.DataType.build("TIMESTAMP")))
        double = exp.DataType.build("DOUBLE")
        return exp.Div(this=exp.cast(micros, double), expression=exp.cast(exp.Literal.string("1000000.0"), double))
    if isinstance(node, exp.ArraySize):
        return exp.cast(node, exp.DataType.build("BIGINT"))
    if isinstance(node, exp.RegexpLike) and node.args.get("flag") is not None:
        flag = node.args["flag"]
        if not (isinstance(flag, exp.Literal) and flag.this == "i"):
            raise NotImplementedError("regexp_matches renders for Spark with no option or 'i' only")
        pattern = exp.Anonymous(this="concat", expressions=[exp.Literal.string("(?iu)"), node.expression.copy()])
        return exp.RegexpLike(this=node.this.copy(), expression=pattern)
    if isinstance(node, exp.First) and isinstance(node.this, exp.Order):
        listed = _ordered_collection(exp.ArrayAgg(this=node.this.copy()), None)
        return exp.Anonymous(this="element_at", expressions=[listed, exp.Literal.number(1)])
    return node


# --- intervals, time ranges, list overlap, distinct ordered string_agg, avg of decimals (the burst detector, s10) ---


def _interval_and_list_renderings(node: exp.Expr) -> exp.Expr:
    """The burst detector's constructs, each with its reason (``to_days``/``to_minutes``, ``epoch(ts)`` and
    ``string_agg(DISTINCT x ORDER BY x)``, which it uses too, are ``_mass_reporting_constructs``'s):


    - ``range(a, b, step)`` of timestamps (end excluded): SQLGlot writes ``sequence(a, b - step, step)``, which is
      empty when b - a is less than one step (DuckDB: ``[a]``) and cannot be told from ``[a .. b)`` otherwise;
      rendered as ``sequence(a, b, step)`` without the values at or past b, empty when a >= b (Spark's sequence
      would fail there);
    - ``list_has_any(l, m)`` (SQLGlot writes ``l && m``, which Spark cannot parse): ``arrays_overlap`` of the
      lists without their NULLs: DuckDB ignores NULL elements (false), Spark's arrays_overlap says NULL when a
      list holds one and nothing else matched; a NULL list is NULL in both;
    - ``avg(x)`` of an x with a decimal literal (``avg(CASE WHEN c THEN 1.0 ELSE 0.0 END)``): DuckDB's avg of a
      DECIMAL is a DOUBLE (the exact sum over the count: k / n for a share), Spark's a DECIMAL rounded to a few
      places; averaged as a DOUBLE, which is exact for such shares (sums of 0 and 1). Not for decimals that a DOUBLE
      does not hold exactly (0.1): their double sum may differ from DuckDB's exact one in the last bit.
    """
    sql = lambda e: e.sql(dialect=Spark4)  # noqa: E731
    if isinstance(node, exp.GenerateSeries) and node.args.get("is_end_exclusive") and isinstance(node.args.get("step"), exp.Interval):
        step = node.args["step"]
        if not (isinstance(step.this, exp.Literal) and float(step.this.name) > 0):
            raise NotImplementedError("range(a, b, step) of times renders for Spark with a constant positive interval step only")
        start, end = sql(node.args["start"]), sql(node.args["end"])
        return _spark_text(f"CASE WHEN ({start}) < ({end}) THEN filter(sequence({start}, {end}, {sql(step)}), mt_t -> mt_t < ({end})) "
                           "ELSE array() END")
    if isinstance(node, exp.ArrayOverlaps):
        # array_compact, not filter: a side may be a scalar subquery, which Spark refuses inside a lambda function
        lists = [f"array_compact({sql(side)})" for side in (node.this, node.expression)]
        return _spark_text(f"arrays_overlap({lists[0]}, {lists[1]})")
    if isinstance(node, exp.Avg) and not isinstance(node.this, (exp.Order, exp.Distinct)) and _has_decimal_literal_in(node.this):
        return exp.Avg(this=exp.cast(node.this.copy(), exp.DataType.build("DOUBLE")))
    return node


def _has_decimal_literal_in(node: exp.Expr) -> bool:
    return any(not literal.is_string and any(c in literal.name for c in ".eE") for literal in node.find_all(exp.Literal))


FORMAT_FUNCTION, PRINTF_FUNCTION = "mt_duckdb_format", "mt_duckdb_printf"


def _formatted(node: exp.Expr) -> exp.Expr:
    """``format('{} of {}', ...)`` and ``printf('%g s', ...)``: DuckDB's text of each number (``duckdb_hash.duckdb_format``,
    ``duckdb_printf``: a DOUBLE as its shortest round-trip decimal, %g as C's), which neither Spark's
    ``format_string`` (Java: '1.0E-5', '60.0000', not always the shortest digits before Java 19) nor a cast to
    text gives; NULL when an argument is NULL, as in DuckDB. The template must be a constant of the forms
    those functions know (checked here, not at run time)."""
    from mobtrace.analysis.engine.duckdb_hash import FORMAT_PLACEHOLDER, PRINTF_CONVERSION

    printf = isinstance(node, exp.Anonymous)
    template, *arguments = node.expressions if printf else [node.this, *node.expressions]
    if not (isinstance(template, exp.Literal) and template.is_string):
        raise NotImplementedError("format/printf render for Spark with a constant template only")
    tokens = (PRINTF_CONVERSION if printf else FORMAT_PLACEHOLDER).findall(template.this)
    if any(t in ("%", "{", "}") for t in tokens):
        raise NotImplementedError(f"{'printf' if printf else 'format'} template not rendered for Spark: {template.this!r}")
    expected = sum(t != "%%" for t in tokens) if printf else tokens.count("{}")
    if expected != len(arguments):
        raise ValueError(f"{template.this!r} takes {expected} argument(s), not {len(arguments)}")
    return exp.Anonymous(this=PRINTF_FUNCTION if printf else FORMAT_FUNCTION, expressions=[template, *arguments])


def _epoch(node: exp.TimeToUnix) -> exp.Expr:
    """``epoch(a - b)`` of two timestamps: DuckDB subtracts them into an interval of whole days and the microseconds
    left (same sign, truncated toward zero) and gives ``days * 86400.0 + micros / 1e6`` (checked against DuckDB on
    40,000 differences; the plain microseconds / 1e6 differs in the last bit on 346 of them). Spark's ``div`` and
    ``%`` truncate toward zero too. Other uses of epoch() have no rendering yet."""
    if not isinstance(node.this, exp.Sub) or node.args.get("scale") is not None:
        raise NotImplementedError("epoch() renders for Spark of a difference of two timestamps only")
    micros = [exp.func("unix_micros", exp.cast(side.copy(), exp.DataType.build("TIMESTAMP"))).sql(dialect=Spark4)
              for side in (node.this.this, node.this.expression)]
    v = f"({micros[0]} - {micros[1]})"
    return _spark_text(f"CAST({v} DIV 86400000000 AS DOUBLE) * 86400.0D + CAST({v} % 86400000000 AS DOUBLE) / 1000000.0D")


def _rounded(node: exp.Round) -> exp.Expr:
    """``round(x, p)`` of a DOUBLE: DuckDB computes ``std::round(x * 10^p) / 10^p`` (round(2.675, 2) = 2.68, round(0.285,
    2) = 0.28: checked on 45,000 values), Spark rounds the shortest decimal text of x half up (2.68, 0.29). Spark's
    round(y) of a DOUBLE with no places is std::round's (half away from zero, exact). DECIMAL and integer x are
    rounded alike by both and left alone; an x of unknown type is taken as a DOUBLE (a division always is).
    Not rendered: DuckDB returns x itself when x * 10^p overflows to infinity."""
    places = node.args["decimals"]
    value_type = node.this.type.this if node.this.type is not None else None
    if value_type in _INTEGER_TYPES or value_type == exp.DType.DECIMAL or (
            value_type is None and isinstance(node.this, exp.Literal)):
        return node
    if not (isinstance(places, exp.Literal) and not places.is_string) and not (
            isinstance(places, exp.Neg) and isinstance(places.this, exp.Literal)):
        raise NotImplementedError("round(x, p) renders for Spark with a constant p only")
    p = int(places.sql(dialect="duckdb").replace(" ", ""))
    if p == 0:
        return exp.Round(this=node.this)
    modifier = exp.cast(exp.Literal.string(repr(10.0 ** p)), exp.DataType.build("DOUBLE"))
    return exp.Div(this=exp.Round(this=exp.Mul(this=exp.paren(node.this.copy()), expression=modifier)),
                   expression=modifier.copy())


def _has_decimal_literal(node: exp.Div) -> bool:
    return any(isinstance(literal, exp.Literal) and not literal.is_string and any(c in literal.name for c in ".eE")
               for literal in node.find_all(exp.Literal) if literal.parent_select is node.parent_select)


def _spark_text(sql: str) -> exp.Expr:
    """Spark SQL written out, kept verbatim in the tree (parsed back, SQLGlot would write some functions
    as others: percentile_disc WITHIN GROUP became the approximate percentile_approx). Parenthesised."""
    return exp.paren(exp.Var(this=sql), copy=False)


def _ordered_avg(order: exp.Order) -> exp.Expr:
    """avg(x ORDER BY k): sum the non-null values in the order of k, one after another, then divide."""
    keys = [o.this for o in order.expressions]
    if any(o.args.get("desc") for o in order.expressions):
        raise NotImplementedError("avg(... ORDER BY ... DESC) has no Spark rendering yet")
    value = order.this
    items = ", ".join(f"{k.sql(dialect=Spark4)} AS k{i}" for i, k in enumerate(keys))
    collected = (f"array_sort(collect_list(CASE WHEN ({value.sql(dialect=Spark4)}) IS NOT NULL "
                 f"THEN struct({items}, CAST({value.sql(dialect=Spark4)} AS DOUBLE) AS v) END))")
    return _spark_text(f"aggregate({collected}, CAST(0 AS DOUBLE), (mt_acc, mt_e) -> mt_acc + mt_e.v) / nullif(size({collected}), 0)")


def _ordered_collection(node: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
    """``string_agg(x, sep ORDER BY k ...) [FILTER (WHERE c)]`` and ``list(x ORDER BY k ...)``: the values collected with
    their keys (``collect_list`` of structs), sorted by a comparator that follows each key's direction and DuckDB's
    NULLS LAST default (or the NULLS FIRST/LAST written), then joined or listed. string_agg skips NULL values, list
    keeps them (as DuckDB); no row gives NULL. Values that tie on every key come in collection order (DuckDB's
    order of ties is arbitrary too). A string_agg of non-text values would be joined as Java writes them: only text
    is meant (casts to STRING)."""
    order = node.this
    keys = list(order.expressions)
    value = order.this
    # DISTINCT (DuckDB wants the order keys among the distinct arguments): equal values make equal (keys, value)
    # structs, so the collected structs are deduplicated
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        (value,) = value.expressions
    text = isinstance(node, exp.GroupConcat)
    sql = lambda e: e.sql(dialect=Spark4)  # noqa: E731
    items = ", ".join([f"{sql(k.this)} AS k{i}" for i, k in enumerate(keys)] +
                      [f"{'CAST(' + sql(value) + ' AS STRING)' if text else sql(value)} AS v"])
    conditions = ([f"({sql(condition)})"] if condition is not None else []) + ([f"({sql(value)}) IS NOT NULL"] if text else [])
    element = f"struct({items})" if not conditions else f"CASE WHEN {' AND '.join(conditions)} THEN struct({items}) END"
    collected = f"array_distinct(collect_list({element}))" if distinct else f"collect_list({element})"
    comparison = "0"
    for i, key in reversed(list(enumerate(keys))):
        direction = -1 if key.args.get("desc") else 1
        nulls_first = bool(key.args.get("nulls_first"))
        comparison = (f"CASE WHEN mt_l.k{i} IS NULL AND mt_r.k{i} IS NULL THEN {comparison} "
                      f"WHEN mt_l.k{i} IS NULL THEN {-1 if nulls_first else 1} WHEN mt_r.k{i} IS NULL THEN {1 if nulls_first else -1} "
                      f"WHEN mt_l.k{i} < mt_r.k{i} THEN {-direction} WHEN mt_l.k{i} > mt_r.k{i} THEN {direction} ELSE {comparison} END")
    values = f"transform(array_sort({collected}, (mt_l, mt_r) -> {comparison}), mt_e -> mt_e.v)"
    if text:
        separator = node.args.get("separator")
        values = f"array_join({values}, {sql(separator) if separator is not None else repr(',')})"
    return _spark_text(f"CASE WHEN size({collected}) = 0 THEN NULL ELSE {values} END")


def _median(value: exp.Expr) -> exp.Expr:
    """median(x): DuckDB interpolates between the two middle values as lo * 0.5 + hi * 0.5, Spark's median as
    lo + (hi - lo) * 0.5 (one ulp apart at times). Both middle values are exact (percentile_disc of x, and
    of -x for the upper one); for an odd count they are the same value."""
    v = exp.cast(value.copy(), exp.DataType.build("DOUBLE")).sql(dialect=Spark4)
    return _spark_text(f"(percentile_disc(0.5) WITHIN GROUP (ORDER BY {v})) * 0.5D"
                       f" + (-(percentile_disc(0.5) WITHIN GROUP (ORDER BY -({v})))) * 0.5D")


def _window_renderings(node: exp.Expr) -> exp.Expr:
    if not isinstance(node, exp.Window):
        return node
    if isinstance(node.parent, exp.Binary) and not isinstance(node.parent, exp.Paren):
        # "f() OVER w - x": Spark's parser reads "w-x" as one name
        return exp.paren(_window_renderings(node.copy()), copy=False)
    spec = node.args.get("spec")
    order = node.args.get("order")
    if isinstance(node.this, (exp.RowNumber, exp.Rank, exp.DenseRank)):
        # DuckDB numbers rows as BIGINT, Spark as INT: a stored number (coordination_originators.nth) keeps DuckDB's type
        if not order:
            # numbering in no particular order (DuckDB's OVER ()); Spark insists on an ORDER BY
            node.set("order", exp.Order(expressions=[exp.Ordered(this=exp.Literal.number(1))]))
        return exp.cast(node, exp.DataType.build("BIGINT"))
    if spec is not None and spec.text("kind").upper() == "RANGE" and isinstance(node.this, exp.Count):
        start, end = spec.args.get("start"), spec.args.get("end")
        if _column_offset(start) or _column_offset(end):
            return _range_count(node, order, spec)
    return node


def _reversed_following_frames(select: exp.Expr) -> exp.Expr:
    """``first_value(x [IGNORE NULLS]) OVER (... ORDER BY k RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)``
    (prune.sql) is ``last_value(x [IGNORE NULLS]) OVER (... ORDER BY k reversed RANGE BETWEEN UNBOUNDED PRECEDING
    AND CURRENT ROW)``: the same rows (the current row's peers to the end), read from the other side; the same
    value when the current row's peers hold one non-null value at most (prune.sql: only the last action of a run
    of one account's has one; with several, DuckDB's own answer depends on the order of peers). Spark
    evaluates a frame that ends at UNBOUNDED FOLLOWING and moves its start by recomputing it for every row,
    quadratic in the partition (an object: 48,120 actions on the 1M bench's top domain, 36% of the co-action
    step's time there); a frame growing from UNBOUNDED PRECEDING it computes in one pass. Named windows
    (``OVER w``, ``WINDOW w AS (...)``) are resolved; the rewritten window is written inline."""
    if not isinstance(select, exp.Select):
        return select
    named = {w.this.name.lower(): w for w in select.args.get("windows") or [] if isinstance(w.this, exp.Identifier)}
    for node in list(select.find_all(exp.Window)):
        if node.parent_select is not select or node.parent is select and node in (select.args.get("windows") or []):
            continue
        function = node.this.this if isinstance(node.this, exp.IgnoreNulls) else node.this
        if not isinstance(function, exp.FirstValue):
            continue
        definition = node
        if node.args.get("spec") is None and node.args.get("order") is None and node.args.get("alias") is not None:
            definition = named.get(node.args["alias"].name.lower())
            if definition is None:
                continue
        spec, order = definition.args.get("spec"), definition.args.get("order")
        if (spec is None or order is None or spec.text("kind").upper() != "RANGE"
                or str(spec.args.get("start") or "").upper() != "CURRENT ROW"
                or str(spec.args.get("end") or "").upper() != "UNBOUNDED" or spec.text("end_side").upper() != "FOLLOWING"):
            continue
        last = exp.LastValue(this=function.this.copy())
        reversed_order = exp.Order(expressions=[
            exp.Ordered(this=o.this.copy(), desc=not o.args.get("desc"), nulls_first=not o.args.get("nulls_first"))
            for o in order.expressions])
        window = exp.Window(this=exp.IgnoreNulls(this=last) if isinstance(node.this, exp.IgnoreNulls) else last,
                            partition_by=[p.copy() for p in definition.args.get("partition_by") or []],
                            order=reversed_order,
                            spec=exp.WindowSpec(kind="RANGE", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"),
                            over="OVER")
        node.replace(window)
    return select


def _column_offset(bound: object) -> bool:
    return isinstance(bound, exp.Expr) and not isinstance(bound, exp.Literal) and bound.name.upper() not in (
        "UNBOUNDED", "CURRENT ROW")


def _range_count(node: exp.Window, order: exp.Order, spec: exp.WindowSpec) -> exp.Expr:
    """count(*) OVER (PARTITION BY p ORDER BY t RANGE BETWEEN a PRECEDING AND b FOLLOWING) with a and b
    columns: the number of the partition's t within [t - a, t + b] (Spark's frame bounds must be literals)."""
    (ordered,) = order.expressions
    if ordered.args.get("desc") or spec.text("start_side").upper() != "PRECEDING" or spec.text("end_side").upper() != "FOLLOWING":
        raise NotImplementedError("only RANGE BETWEEN x PRECEDING AND y FOLLOWING, ascending, has a Spark rendering")
    key = ordered.this.sql(dialect=Spark4)
    low, high = spec.args["start"].sql(dialect=Spark4), spec.args["end"].sql(dialect=Spark4)
    partition = ", ".join(p.sql(dialect=Spark4) for p in node.args.get("partition_by") or [])
    over = f"PARTITION BY {partition}" if partition else ""
    return _spark_text(f"size(filter(collect_list({key}) OVER ({over}), mt_v -> mt_v >= {key} - ({low}) AND mt_v <= {key} + ({high})))")


def _asof_join(select: exp.Expr) -> exp.Expr:
    """DuckDB's ASOF JOIN (``ON eq AND m.s <= expr``: the one row of m with the greatest s) has no Spark form.

    It is rendered as an inner join on the same condition, which is only the same when the query asks
    whether *some* row of m qualifies, and the greatest s is the one that does if any does: the query must be
    SELECT DISTINCT. That is the case in coordination/candidates.sql (runs of one account on one object are
    disjoint and ordered, so the last run starting by f.e + w ends latest). Any other use raises."""
    if not isinstance(select, exp.Select):
        return select
    joins = [j for j in select.args.get("joins") or [] if (j.text("method") or "").upper() == "ASOF"]
    if joins and not select.args.get("distinct"):
        raise NotImplementedError("ASOF JOIN renders for Spark only inside SELECT DISTINCT (see _asof_join)")
    for join in joins:
        join.set("method", None)
    return select


def _nested_unnests(select: exp.Expr) -> exp.Expr:
    """``SELECT f(unnest(a)) FROM t`` (DuckDB) as ``SELECT f(u) FROM t LATERAL VIEW explode(a) v AS u``: Spark
    allows a generator only as a whole projection. The same rows: the list is unnested after FROM and WHERE
    in both (an empty or NULL list gives no row), as long as the SELECT has one unnest and no grouping."""
    if not isinstance(select, exp.Select):
        return select
    explodes = [e for p in select.expressions for e in p.find_all(exp.Explode)
                if e.find_ancestor(exp.Select) is select]
    nested = [e for e in explodes if e.parent is not select and not (isinstance(e.parent, exp.Alias) and e.parent.parent is select)]
    if not nested:
        return select
    if len(explodes) > 1 or select.args.get("group") or any(p.find(exp.AggFunc) for p in select.expressions):
        raise NotImplementedError("unnest inside an expression renders for Spark only alone in an ungrouped SELECT")
    (explode,) = nested
    column = exp.to_identifier("mt_unnested")
    lateral = exp.Lateral(this=exp.Explode(this=explode.this.copy()), view=True, outer=False,
                          alias=exp.TableAlias(this=exp.to_identifier("mt_unnest"), columns=[column]))
    explode.replace(exp.column("mt_unnested"))
    select.append("laterals", lateral)
    return select


def _drop_temp_schema(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Table) and node.text("db").lower() == "temp":
        node.set("db", None)
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)  # a DuckDB planning hint; Spark plans CTEs itself
    return node


_PARSED_TYPES = {exp.DType.TIMESTAMP: "mt_duckdb_try_timestamp", exp.DType.TIMESTAMPNTZ: "mt_duckdb_try_timestamp",
                 exp.DType.BIGINT: "mt_duckdb_try_bigint", exp.DType.DOUBLE: "mt_duckdb_try_double"}


def _duckdb_parser(node: exp.Expr) -> exp.Expr:
    """Values read out of text as DuckDB reads them (``duckdb_parsers``: DuckDB evaluates the same expression on
    each batch). Spark's own casts differ on inputs exports hold: TRY_CAST('12.5' AS BIGINT) is 13 in DuckDB
    (rounded) and 12 in Spark; '1_000' is 1000 in DuckDB; '2024-01-01 24:00:00' is the next midnight in DuckDB;
    Spark's DOUBLE takes '1.5d'; TIMESTAMPTZ knows ICU's zone names; a JSON number in a list of VARCHAR and a
    timestamp before year 1 are written differently. A TRY_CAST of a value that is not text (mt_count's DOUBLE to
    BIGINT) goes the same way: DuckDB casts it from its own type (Arrow carries it)."""
    # each call is wrapped in a CAST to its type (a no-op on Spark) so that SQLGlot types what uses it (see below)
    if isinstance(node, exp.TryCast) and node.to.this in _PARSED_TYPES and not node.to.expressions:
        return exp.cast(exp.Anonymous(this=_PARSED_TYPES[node.to.this], expressions=[node.this]), node.to.copy())
    if (isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2
            and isinstance(node.expressions[0], exp.Literal) and node.expressions[0].this.upper() == "UTC"
            and isinstance(node.expressions[1], exp.TryCast) and node.expressions[1].to.this == exp.DType.TIMESTAMPTZ):
        return exp.cast(exp.Anonymous(this="mt_duckdb_try_timestamptz_utc", expressions=[node.expressions[1].this]),
                        exp.DataType.build("TIMESTAMP", dialect="duckdb"))
    if (isinstance(node, exp.Try) and isinstance(node.this, exp.FromJson)
            and node.this.expression.name.replace(" ", "") == '["VARCHAR"]'):
        return exp.Anonymous(this="mt_duckdb_try_varchar_list", expressions=[node.this.this])
    return node


_TIMESTAMP_TYPES = (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPNTZ)


def _duckdb_timestamp_text(node: exp.Expr) -> exp.Expr:
    """``CAST(ts AS VARCHAR)`` of a timestamp: DuckDB's text ('1200-02-15 (BC) 14:13:21' where Spark writes
    '-1199-02-15 14:13:21'), by DuckDB (``duckdb_parsers``). Needs the typed tree: other casts to text stay Spark's."""
    if (isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast) and node.to.this in exp.DataType.TEXT_TYPES
            and node.this.type is not None and node.this.type.this in _TIMESTAMP_TYPES):
        return exp.Anonymous(this="mt_duckdb_timestamp_text", expressions=[node.this])
    return node


def to_spark(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]] | None = None) -> exp.Expr:
    """A parsed, bound, macro-free DuckDB statement rewritten for Spark (see the module docstring)."""
    tree = tree.transform(_drop_temp_schema, copy=False)
    parsers = tree.find(exp.TryCast) is not None
    tree = _bottom_up(tree, _duckdb_parser)
    if schema is not None and (any(isinstance(c.to, exp.DataType) and c.to.this in _INTEGER_TYPES for c in tree.find_all(exp.Cast))
                               or tree.find(exp.ArraySize) or any(r.args.get("decimals") for r in tree.find_all(exp.Round))
                               or _stored_sums(tree) or _divides_hugeints(tree, schema) or parsers):
        tree = _typed(tree, schema)
        tree = _rounded_casts(tree)
        tree = _text_lengths(tree)
        tree = _integer_sums(tree)
        tree = _bottom_up(tree, _duckdb_timestamp_text)
    tree = tree.transform(_asof_join, copy=False)
    tree = tree.transform(_grouped_qualify, copy=False)
    tree = tree.transform(_grouped_scalar_subqueries, copy=False)
    tree = tree.transform(_nested_unnests, copy=False)
    tree = tree.transform(_reversed_following_frames, copy=False)
    tree = _bottom_up(tree, _window_renderings)
    return _bottom_up(tree, _function_renderings)


def _bottom_up(tree: exp.Expr, rendering: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    """Apply a rendering to every node, children first, so that a rendered node's arguments are rendered too
    (hash(hash(x), 7): SQLGlot's top-down transform would leave the inner one to Spark's own, other hash)."""
    for node in reversed(list(tree.walk())):
        rendered = rendering(node)
        if rendered is not node:
            if isinstance(rendered, (exp.Binary, exp.Unary)) and not isinstance(rendered, exp.Paren):
                rendered = exp.paren(rendered, copy=False)  # SQLGlot writes the tree as it is: keep precedence
            if node is tree:
                tree = rendered
            else:
                node.replace(rendered)
    return tree


def _typed(tree: exp.Expr, schema: Mapping[str, Mapping[str, str]]) -> exp.Expr:
    """The tree qualified and annotated with types (SQLGlot's optimizer), or as it was if SQLGlot cannot."""
    mapping = MappingSchema(dict(schema), dialect="spark")
    try:
        return annotate_types(qualify(tree.copy(), schema=mapping, dialect="duckdb", validate_qualify_columns=False,
                                      quote_identifiers=False, identify=False),
                              schema=mapping, dialect="duckdb")
    except Exception:  # noqa: BLE001  (an unqualifiable statement keeps plain casts; see analysis/engine/NOTES.md)
        return tree


def spark_sql(tree: exp.Expr) -> str:
    return tree.sql(dialect=Spark4)


def parse(sql: str) -> exp.Expr:
    """One DuckDB statement, parsed."""
    return sqlglot.parse_one(sql, read=DuckDBLists)


RENDERERS: dict[str, Callable[[exp.Expr], exp.Expr]] = {"spark": to_spark}
