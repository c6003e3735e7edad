"""Which SQL files render for Spark, and which constructs in them still need work.

``python -m mobtrace.analysis.engine.survey [--spark]`` prints a Markdown report over every ``.sql`` file
under ``analysis/``: each statement (split as ``mobtrace.analysis.sql.statements`` splits it, after the
``{placeholder}`` substitutions the callers make; ``$name`` parameters bound to a literal) is parsed with
SQLGlot (DuckDB), rendered for Spark by ``render.py`` (the file's and the behaviours' macros inlined), and,
with ``--spark``, parsed by Spark's own parser and its functions looked up in Spark's catalog. Constructs
whose meaning differs between the engines are listed per statement, marked *rendered* when ``render.py``
already gives them DuckDB's meaning, and *needs work* otherwise.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot import exp

from mobtrace.analysis.engine.render import Macro, Spark4, inline_macros, parse, spark_sql, to_spark
from mobtrace.analysis.sql import statements

ANALYSIS = Path(__file__).parents[1]

# What callers put into {placeholders} before running a statement (coaction.py, text.py).
_PLACEHOLDERS = {
    "{object_key}": "hash(a.object_id)",
    "{behaviour}": "SELECT platform || ':' || target_post_id AS object_id, platform, account_id, event_id, ts "
                   "FROM interactions WHERE action = 'repost'",
    "{safe_chars}": "A-Za-z0-9 ",
    "{word_chars}": "A-Za-z0-9_",
}

# Constructs whose meaning differs between DuckDB and Spark: name -> (test on a node, rendered by render.py?)
_LIST_FUNCTIONS = re.compile(r"^(list_|array_|string_split|str_split|unnest|flatten|len$|list$|generate_series|range$)")
_REGEXP = re.compile(r"^regexp_")
_TIME_FUNCTIONS = re.compile(r"^(epoch|to_seconds|to_days|to_timestamp|make_timestamp|strftime|strptime|date_trunc|date_diff|datediff|age|time_bucket)")


# List constructs render.py gives DuckDB's meaning (proven by the co-action behaviours in tests/test_engine.py).
_LISTS_RENDERED = (exp.ArraySize, exp.Explode, exp.Unnest, exp.ArrayFilter, exp.Transform, exp.ArrayContains,
                   exp.ArrayToString, exp.ArraySort, exp.Split, exp.SplitPart, exp.Struct)


def _regexp_rendered(node: exp.Expr) -> bool:
    """Whether render.py renders this regexp node (see ``render._regexp_renderings``)."""
    from mobtrace.analysis.engine.render import _regexp_renderings

    try:
        _regexp_renderings(node.copy())
    except NotImplementedError:
        return False
    return True


def _name(node: exp.Expr) -> str:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return ""


RENDERED, CHECK, TODO = "rendered", "check", "needs work"
_RANK = {RENDERED: 0, CHECK: 1, TODO: 2}


def constructs(tree: exp.Expr, macros: set[str]) -> dict[str, str]:
    """{construct: RENDERED (render.py gives it DuckDB's meaning), CHECK (the same result but on an edge case
    to rule out: a zero divisor, ties, a float sum) or TODO (no rendering yet)} of one parsed statement."""
    found: dict[str, str] = {}

    def add(label: str, rendered: bool | str) -> None:
        status = RENDERED if rendered is True else TODO if rendered is False else rendered
        found[label] = max(found.get(label, RENDERED), status, key=_RANK.get)

    if isinstance(tree, exp.Create) and tree.text("kind").upper() == "MACRO":
        add("macro definition", True)
    for node in tree.walk():
        name = _name(node)
        if name in macros:
            add("macro call (inlined)", True)
        if name == "hash":
            add("hash()", True)
        if isinstance(node, exp.Join) and (node.text("method") or "").upper() == "ASOF":
            add("ASOF join", CHECK if tree.find(exp.Select) is not None and node.parent.args.get("distinct") else False)
        if isinstance(node, _LISTS_RENDERED) or (isinstance(node, exp.Lambda) and isinstance(node.parent, _LISTS_RENDERED)) or (
                isinstance(node, exp.Array) and isinstance(node.parent, (*_LISTS_RENDERED, exp.Bracket, exp.RegexpExtract))):
            add("list functions rendered (len, unnest, list_filter/transform/sort, string_split, ...)", True)
        elif isinstance(node, exp.Lambda) or (name and _LIST_FUNCTIONS.match(name)) or isinstance(node, exp.Array):
            add("list/array functions", False)
        if isinstance(node, exp.Bracket):
            # SQLGlot writes DuckDB's 1-based constant index 0-based for Spark (co_link, co_domain)
            add("list index (1-based in DuckDB)", all(isinstance(e, exp.Literal) for e in node.expressions))
        if isinstance(node, (exp.RegexpLike, exp.RegexpFullMatch, exp.RegexpReplace)):
            # rendered (render.py); that the pattern means the same in RE2 and java.util.regex is to check
            add("regexp match/replace (pattern: RE2 vs Java)", CHECK if _regexp_rendered(node) else False)
        elif isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
            add("regexp match/replace (pattern: RE2 vs Java)", CHECK)  # a struct of named groups, rendered
        elif name and _REGEXP.match(name) or isinstance(node, (exp.RegexpExtract, exp.RegexpSplit)):
            add("regexp (RE2 vs Java)", False)
        if isinstance(node, (exp.Lower, exp.Trim)) or name == "nfc_normalize":
            add("lower/trim/nfc_normalize (DuckDB's rules)", True)
        if isinstance(node, exp.IntDiv):
            add("integer division //", True)
        if isinstance(node, exp.Div):
            add("division (x/0: inf in DuckDB, error in Spark ANSI)", CHECK)
        if name == "epoch_us" or isinstance(node, exp.UnixToTime):
            add("epoch_us / make_timestamp", True)
        elif isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):
            add("epoch(a - b)", True)
        elif name and _TIME_FUNCTIONS.match(name) or isinstance(node, (exp.Interval, exp.TimestampTrunc, exp.DateDiff, exp.TimeToStr, exp.StrToTime)):
            add("timestamps/intervals", False)
        if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and node.to.is_type(*exp.DataType.INTEGER_TYPES):
            add("CAST to integer (rounds in DuckDB)", True)
        if isinstance(node, exp.Avg) and isinstance(node.this, exp.Order):
            add("avg(... ORDER BY)", True)
        elif isinstance(node, (exp.Sum, exp.Avg)):
            add("float sum/avg (order of addition)", CHECK)
        if isinstance(node, (exp.GroupConcat, exp.ArrayAgg)) and isinstance(node.this, exp.Order):
            add("string_agg/list ORDER BY", True)
        elif isinstance(node, (exp.GroupConcat, exp.ArrayAgg)) or name in ("string_agg", "list", "array_agg", "group_concat"):
            add("string_agg/list (order of elements)", CHECK)
        if isinstance(node, exp.Median):
            add("median", True)
        if isinstance(node, exp.PercentileCont) and node.expression is not None:
            add("quantile_cont (DuckDB's interpolation)", True)
        elif isinstance(node, (exp.PercentileCont, exp.Quantile, exp.PercentileDisc)) or name.startswith("quantile"):
            add("quantile (other forms)", False)
        if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
            add("round(x, p)", True)
        if isinstance(node, exp.Window):
            spec = node.args.get("spec")
            if isinstance(node.this, exp.RowNumber) and not node.args.get("order"):
                add("row_number() OVER () (no order)", True)
            if spec is not None and any(isinstance(spec.args.get(k), exp.Column) for k in ("start", "end")):
                add("RANGE frame with column bounds", isinstance(node.this, exp.Count))
            if isinstance(node.this, (exp.RowNumber, exp.FirstValue, exp.LastValue, exp.Lag, exp.Lead)) or _name(node.this) in ("rank", "dense_rank"):
                add("window order (ties)", CHECK)
        if isinstance(node, (exp.ArgMax, exp.ArgMin)) or name in ("arg_max", "arg_min", "first", "any_value", "last"):
            add("arg_max/any_value (ties)", CHECK)
        if isinstance(node, exp.Dot):
            add("struct field access", True)
        elif isinstance(node, exp.Column) and len(node.parts) > 2:
            add("struct field access", False)
        if name in ("format", "printf") or isinstance(node, exp.Format):
            add("format()/printf", True)
        if name.startswith("json") or isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
            add("JSON functions", False)
        if name in ("read_csv", "read_csv_auto", "read_json", "read_json_auto", "read_parquet", "read_ndjson"):
            add("file reader table function", False)
        if isinstance(node, exp.Copy):
            add("COPY", False)
        if isinstance(node, exp.Create) and isinstance(node.this, exp.Schema):
            add("CREATE TABLE with columns", True)
        if isinstance(node, (exp.Insert,)):
            add("INSERT (table rewritten)", True)
        if isinstance(node, exp.Delete):
            add("DELETE (table rewritten)", not node.args.get("using"))
        if isinstance(node, exp.Update):  # SparkEngine._update, which refuses RETURNING, ORDER BY and LIMIT
            add("UPDATE (table rewritten)", not any(node.args.get(k) for k in ("returning", "order", "limit")))
        if isinstance(node, exp.Merge):
            add("MERGE (no Spark form)", False)
        if isinstance(node, exp.Alter):
            add("ALTER TABLE", all(isinstance(a, (exp.Drop, exp.AlterRename, exp.ColumnDef)) for a in node.args.get("actions") or []))
        if isinstance(node, exp.Command):
            add(f"command {node.name.upper()}", node.name.upper() in ("RESET",))
        if name in ("strip_accents", "levenshtein", "jaccard"):
            add("DuckDB string functions", False)
        if isinstance(node, (exp.Ascii, exp.Right)):
            add("ascii/right (code points)", CHECK)
    return found


@dataclass
class StatementReport:
    path: Path
    index: int
    kind: str
    found: dict[str, str]
    error: str | None = None
    unknown_functions: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.error:
            return "fails"
        if self.unknown_functions or TODO in self.found.values():
            return "needs work"
        return "check" if CHECK in self.found.values() else "renders"


def _kind(tree: exp.Expr) -> str:
    if isinstance(tree, exp.Create):
        return f"CREATE {tree.text('kind').upper()}"
    return type(tree).__name__.upper()


def _bind_any(tree: exp.Expr) -> exp.Expr:
    return tree.transform(lambda n: exp.Literal.number(1) if isinstance(n, exp.Placeholder) else n, copy=False)


def _file_macros(path: Path) -> dict[str, Macro]:
    macros = {}
    for source in sorted({path.parent / "macros.sql", *path.parent.glob("*macros.sql"), ANALYSIS / "ingest" / "macros.sql",
                          ANALYSIS / "coordination" / "macros.sql"}):
        if not source.exists():
            continue
        for statement in statements(source):
            try:
                tree = parse(statement)
            except Exception:  # noqa: BLE001
                continue
            if isinstance(tree, exp.Create) and tree.text("kind").upper() == "MACRO":
                macro = Macro(tree)
                macros[macro.name] = macro
    return macros


_SPARK_WORD = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_NOT_FUNCTIONS = {"as", "in", "over", "and", "or", "not", "exists", "select", "from", "using", "values", "on", "when",
                  "then", "else", "by", "struct", "array", "map", "filter", "transform", "aggregate", "cast", "try_cast",
                  "case", "within", "group", "partition", "with", "join", "where", "having", "table", "view", "into",
                  "is", "if", "interval", "distinct", "all", "union", "window", "exists", "order", "named_struct",
                  "qualify", "except", "exclude", "replace", "lateral", "rollup", "cube", "sets", "like", "rlike"}
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.|'')*'")


def survey(spark=None) -> list[StatementReport]:
    reports = []
    for path in sorted(ANALYSIS.rglob("*.sql")):
        macros = _file_macros(path)
        for index, statement in enumerate(statements(path)):
            for key, value in _PLACEHOLDERS.items():
                statement = statement.replace(key, value)
            try:
                tree = parse(statement)
            except Exception as error:  # noqa: BLE001
                reports.append(StatementReport(path, index, "?", {}, f"SQLGlot cannot parse it: {str(error).splitlines()[0][:120]}"))
                continue
            report = StatementReport(path, index, _kind(tree), constructs(tree, set(macros)))
            reports.append(report)
            if isinstance(tree, exp.Create) and tree.text("kind").upper() == "MACRO":
                continue
            try:
                inlined = inline_macros(_bind_any(tree.copy()), macros)
                for label, status in constructs(inlined, set()).items():  # what the macros bring in counts too
                    report.found[label] = max(report.found.get(label, RENDERED), status, key=_RANK.get)
                rendered = spark_sql(to_spark(inlined.copy()))
            except Exception as error:  # noqa: BLE001
                report.error = f"no Spark rendering: {type(error).__name__}: {str(error).splitlines()[0][:120]}"
                continue
            if spark is not None and not isinstance(tree, (exp.Set, exp.Command)):
                report.error, report.unknown_functions = _spark_check(spark, inlined, rendered)
    return reports


def _spark_check(spark, tree: exp.Expr, rendered: str) -> tuple[str | None, list[str]]:
    body = rendered
    if isinstance(tree, (exp.Create, exp.Insert)) and tree.expression is not None:
        body = spark_sql(to_spark(_bind_any(tree.expression.copy()))) if not isinstance(tree.expression, exp.Values) else "SELECT 1"
    elif isinstance(tree, (exp.Create, exp.Drop, exp.Alter)):
        return None, []
    try:
        spark._jsparkSession.sessionState().sqlParser().parsePlan(body)
    except Exception as error:  # noqa: BLE001
        message = str(error).strip().splitlines()
        return f"Spark cannot parse the rendering: {(message[0] if message else '')[:140]}", []
    code = _STRING_LITERAL.sub("''", body)  # words in string literals ("... event(s)") are no calls
    names = {m.lower() for m in _SPARK_WORD.findall(code)} - _NOT_FUNCTIONS
    unknown = sorted(n for n in names if not spark.catalog.functionExists(n) and not _is_cte_or_table(n, body))
    return None, unknown


def _is_cte_or_table(name: str, body: str) -> bool:
    return re.search(rf"\b{name}\s+AS\s*\(", body, re.IGNORECASE) is not None or re.search(
        rf"(FROM|JOIN)\s+{name}\b", body, re.IGNORECASE) is not None or re.search(
        rf"\bAS\s+{name}\s*\(", body, re.IGNORECASE) is not None


def markdown(reports: list[StatementReport], proven: set[str]) -> str:
    lines = ["| file | statements | renders | check | needs work | fails | to render (count); [to check] | proven equal |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    by_file: dict[Path, list[StatementReport]] = {}
    for report in reports:
        by_file.setdefault(report.path, []).append(report)
    totals = Counter()
    for path, items in by_file.items():
        verdicts = Counter(r.verdict for r in items)
        totals.update(verdicts)
        todo = Counter(label for r in items for label, status in r.found.items() if status == TODO)
        check = sorted({label for r in items for label, status in r.found.items() if status == CHECK})
        unknown = sorted({f for r in items for f in r.unknown_functions})
        errors = sorted({r.error for r in items if r.error})
        notes = ", ".join(f"{k} ({v})" for k, v in todo.most_common())
        if check:
            notes += (" " if notes else "") + "[" + ", ".join(check) + "]"
        if unknown:
            notes += ("; " if notes else "") + "functions Spark lacks: " + ", ".join(unknown)
        if errors:
            notes += ("; " if notes else "") + "; ".join(errors)
        rel = path.relative_to(ANALYSIS).as_posix()
        lines.append(f"| {rel} | {len(items)} | {verdicts['renders']} | {verdicts['check']} | {verdicts['needs work']} | {verdicts['fails']} | "
                     f"{notes.replace('|', '/') or '-'} | {'yes' if rel in proven else ''} |")
    lines.append(f"| **all {len(by_file)} files** | {len(reports)} | {totals['renders']} | {totals['check']} | "
                 f"{totals['needs work']} | {totals['fails']} | | |")
    construct_totals = Counter(label for r in reports for label, status in r.found.items() if status == TODO)
    lines += ["", "Constructs still to render, over all statements: " +
              ", ".join(f"{k} ({v})" for k, v in construct_totals.most_common()) + "."]
    return "\n".join(lines)


PROVEN = {"coordination/actions.sql", "coordination/ids.sql", "coordination/windows.sql", "coordination/prune.sql",
          "coordination/candidates.sql", "coordination/pairs.sql", "coordination/scores.sql",
          "coordination/significance.sql", "coordination/edges.sql", "coordination/evidence.sql",
          "coordination/nodes.sql", "coordination/hashtags.sql", "coordination/texts.sql", "coordination/urls.sql",
          "coordination/macros.sql", "coordination/signal.sql", "coordination/originators.sql", "signals.sql",
          *(f"coordination/behaviours/{b}.sql" for b in ("co_repost", "co_reply", "co_report", "co_mention", "co_hashtag",
                                                         "co_hashtag_seq", "co_text", "co_text_near", "co_link", "co_domain"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spark", action="store_true", help="also parse each rendering with Spark (starts local Spark)")
    args = parser.parse_args()
    spark = None
    if args.spark:
        from mobtrace.analysis.engine.spark import SparkEngine

        spark = SparkEngine("local[1]").spark  # with the engine's own functions (DuckDB's hash, the C maths)
    print(markdown(survey(spark), PROVEN))


if __name__ == "__main__":
    main()
