"""Safe HTML building blocks for the offline report: the Jinja2 templates, tables, figures, labels.

Everything that comes from the data (posts, handles, display names, file names, parameters) is hostile
text. The rules this module enforces:

- pages are rendered from the templates in ``templates/`` with autoescaping: every value is escaped
  unless it is a ``Markup``, which is only built from escaped parts (``Markup("<b>{}</b>").format(text)``);
- Plotly labels get text through ``esc`` (``html.escape`` with quotes); Plotly draws labels as text
  nodes after decoding the entities, so ``<script>`` shows as ``<script>``;
- figures travel as JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&`` and the
  JavaScript line separators written as ``\\uXXXX``, so no data can close the script element, and the
  page reads them with ``JSON.parse`` (never ``eval``);
- the page carries a Content-Security-Policy that allows only ``plotly.min.js`` beside it and the one
  static boot script below (by its SHA-256), no network, no inline event handlers: even if an escaping
  bug slipped through, an injected script or ``onerror=`` would not run;
- bidirectional text (``dashboards.safety``): every ``{{ value }}`` has its bidi controls shown as
  ``[U+202E]`` (the environment's ``finalize``), and so has the whole page once rendered (``show_bidi``), so
  no user string can reorder what follows it; each user string sits in its own ``<bdi>`` (``user``; every
  table cell is one), so right-to-left text cannot move the words and digits around it;
- long user strings (a 3,000-character handle) are shortened on the page, with the full text as the
  tooltip (``user``, ``account_label``); the CSV files keep them whole.

>>> esc('<img src=x onerror=alert(1)>')
'&lt;img src=x onerror=alert(1)&gt;'
>>> safe_json({"t": "</script><b>&"})
'{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
>>> render_macro("macros.html", "table", table=table([Column("handle")], [["<b>"]]))
Markup('<div class="table-wrap"><table><thead>...<tbody><tr><td><bdi>&lt;b&gt;</bdi></td></tr></tbody></table></div>')
>>> user("evil\\u202e")
Markup('<bdi>evil[U+202E]</bdi>')
>>> user("x" * 60)
Markup('<bdi title="xxxx...xxxx">xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…</bdi>')
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from mobtrace.dashboards.safety import show_bidi

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Okabe-Ito: distinguishable with the common forms of colour blindness. Yellow last: weak on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
MEMBER_COLOUR = "#D55E00"   # vermillion: campaign members
OTHER_COLOUR = "#0072B2"    # blue: everyone else
NEUTRAL_COLOUR = "#999999"
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]

LONG_WORD = 48  # longest run of characters without a space shown whole; longer ones are cut, full text in the tooltip
_WORD = re.compile(r"\S{%d,}" % (LONG_WORD + 1))

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

# The page's only inline script: draws the figures from their JSON blocks one after another (so a long
# report stays responsive), and makes tables with class "sortable" sortable by clicking a column header.
BOOT_SCRIPT = """
(function () {
  "use strict";
  var plots = Array.prototype.slice.call(document.querySelectorAll("div.plot[data-figure]"));
  function drawNext() {
    var div = plots.shift();
    if (!div) { document.body.setAttribute("data-plots-done", "1"); return; }
    try {
      var spec = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
      Plotly.newPlot(div, spec.data, spec.layout, spec.config);
    } catch (error) {
      div.textContent = "This chart could not be drawn: " + error;
    }
    window.setTimeout(drawNext, 0);
  }
  if (window.Plotly) { drawNext(); } else {
    plots.forEach(function (div) { div.textContent = "Charts need plotly.min.js in the same folder as this page."; });
    document.body.setAttribute("data-plots-done", "1");
  }
  function key(cell, numeric) {
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent; }
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "num";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""


def esc(value: object) -> str:
    """HTML-escaped text of a value (None is empty) with its bidi controls shown, for Plotly labels."""
    return html.escape(show_bidi("" if value is None else str(value)), quote=True)


def shorten(text: str) -> str:
    """``text`` with every run of more than ``LONG_WORD`` characters without a space cut to fit, ending in …"""
    return _WORD.sub(lambda match: match.group()[: LONG_WORD - 1] + "…", text)


def clip(text: str | None, width: int = 280) -> str:
    """At most ``width`` characters of a long text (a post in a table cell), ending in … when cut."""
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def user(value: object) -> Markup:
    """A user string for the page: bidi controls shown, isolated in ``<bdi>`` (the browser also takes its
    direction from it), over-long words shortened with the full text as the tooltip."""
    text = show_bidi("" if value is None else str(value))
    short = shorten(text)
    if short == text:
        return Markup("<bdi>{}</bdi>").format(text)
    return Markup('<bdi title="{}">{}</bdi>').format(text, short)


def _finalize(value: object) -> object:
    """Every ``{{ value }}`` of the templates: text has its bidi controls shown (Markup is left to its maker)."""
    return show_bidi(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def safe_json(value: object) -> str:
    """JSON that can sit inside a <script> element: no '<', '>', '&' or line separators stay raw."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


# file: next to 'self' because some browsers give every local file its own origin. style-src keeps
# 'unsafe-inline' for Plotly alone: it adds its hover and toolbar rules in <style> elements and sets style
# attributes, which a strict policy blocks. The page's own style is report.css.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' file: '{script_hash(BOOT_SCRIPT)}'; "
    "style-src 'self' file: 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_finalize,
)
ENVIRONMENT.filters["number"] = lambda count: f"{count:,}"  # 12345 -> 12,345


def render(template: str, **context: object) -> str:
    """A whole template of ``templates/`` rendered with ``context`` (values escaped unless Markup)."""
    return ENVIRONMENT.get_template(template).render(**context)


def render_macro(template: str, macro: str, **arguments: object) -> Markup:
    """One macro of a template called with ``arguments``: how Python code renders a part of a page
    (a detector renders ``templates/<signal>.html``'s ``methods`` and ``section`` this way)."""
    return Markup(getattr(ENVIRONMENT.get_template(template).module, macro)(**arguments))


def wrap(text: str, width: int = 80) -> list[str]:
    """Words of ``text`` in lines of at most about ``width`` characters (for hover labels)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def hover(title: str, *lines: str, width: int = 80) -> str:
    """A Plotly hover label: a bold escaped title and escaped, wrapped lines (bidi controls shown, over-long
    words shortened: a label cannot show a tooltip of its own)."""
    body = [piece for text in lines for piece in wrap(esc(shorten(text)), width)]
    return "<br>".join([f"<b>{esc(shorten(title))}</b>", *body])


def account_label(handle: str | None, account_id: str) -> str:
    """How an account is named on the page and in chart labels: @handle, else its id (bidi controls shown,
    over-long words shortened; the full handle is in the tables' tooltips and the CSV files)."""
    return shorten(show_bidi(f"@{handle}" if handle else account_id))


@dataclass(frozen=True)
class FigureSlot:
    """Where a figure goes on the page (``macros.figure`` draws it): the id of its JSON block, the height
    kept free for it, and its caption as plain text."""

    id: str
    height: int
    caption: str = ""


@dataclass(frozen=True)
class FigureData:
    id: str
    json: Markup  # safe_json of the figure: cannot close its <script> element


@dataclass
class Figures:
    """The figures of one page, in page order; the page writes their ``blocks`` at the end of its body."""

    blocks: list[FigureData] = field(default_factory=list)

    def add(self, figure: go.Figure, caption: str = "", height: int | None = None) -> FigureSlot:
        figure_id = f"figure-{len(self.blocks) + 1}"
        layout_height = height or figure.layout.height or 420
        plotted = json.loads(pio.to_json(figure, validate=False))
        spec = {
            "data": plotted["data"],
            "layout": {**plotted["layout"], "height": layout_height},
            "config": {"responsive": True, "displaylogo": False},
        }
        self.blocks.append(FigureData(figure_id, Markup(safe_json(spec))))
        return FigureSlot(figure_id, layout_height, caption)


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    css: str = ""


@dataclass(frozen=True)
class Cell:
    content: Markup  # the cell's HTML: plain data through ``user``, Markup isolated in a <bdi>
    sort_value: object = None
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table for ``macros.table``; build it with ``table``."""

    columns: Sequence[Column]
    rows: list[list[Cell]]
    sortable: bool = False


def table(columns: Sequence[Column], rows: Iterable[Sequence[object]], sortable: bool = False) -> Table:
    """A table whose cells are plain data (formatted here, escaped when rendered) or ``Markup``,
    each optionally paired with a sort value: ``(cell, sort_value)``."""
    return Table(columns, [[_cell(column, value) for column, value in zip(columns, row)] for row in rows], sortable)


def _cell(column: Column, value: object) -> Cell:
    value, sort_value = value if isinstance(value, tuple) else (value, None)
    content = Markup("<bdi>{}</bdi>").format(value) if isinstance(value, Markup) else user(_format(value))
    css = " ".join(c for c in ("num" if column.numeric else "", column.css) if c)
    return Cell(content, sort_value, css)


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def timestamp(value: object) -> str:
    """A UTC timestamp as 'YYYY-MM-DD HH:MM:SS' (None as empty)."""
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value)
