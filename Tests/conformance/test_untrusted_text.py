"""Other people's text in every output of every verb, from a hostile Globus (hostile_globus.py).

Each example serves attacker-chosen strings in every field a person reads, runs every verb in
one kernel, and parses every text/html output with html5lib (the WHATWG algorithm browsers use,
in the fragment mode of innerHTML): only the kernel's own elements and attributes appear, and
each string reads back as `visible(s)` (whole, or in a shortened table cell its prefix, with
the whole in the cell's title). Every text/plain, stream and traceback holds no control that a
terminal acts on."""
import itertools
import re

import pytest

html5lib = pytest.importorskip("html5lib")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings, strategies as st  # noqa: E402
from jupyter_client.manager import start_new_kernel  # noqa: E402

from conftest import run_cell  # noqa: E402
from hostile_globus import (COLLECTION, JOB, MISSING_COLLECTION, OTHER_COLLECTION, RUN, TASK_DONE, TASK_FAILED,  # noqa: E402
                            SCOPES, TASK_PAGE, TASK_SLOW, HostileGlobus, World, write_tokens)

# --- the rule, written again here from its statement (Sources/Escaping/Terminal.swift) ---


def needs_escape(c):
    o = ord(c)
    return (o < 0x20 and c not in "\t\n") or 0x7F <= o <= 0x9F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069


def visible(s):
    """C0 controls but tab and line feed, DEL, C1, and the bidi embeddings, overrides and
    isolates, as `\\x1b`, `\\x9b`, `\\u202e`; everything else as it is."""
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if needs_escape(c) else c for c in s)


def flat(s):
    """A table cell's text on one line: split at line feeds (a CR LF is one character in Swift,
    not a line feed), empty pieces dropped, joined with spaces."""
    return " ".join(p for p in re.split(r"(?<!\r)\n", s) if p)


# --- what the kernel's HTML may hold (Sources/GlobusMagics: Rendering, the subcommands,
# HelpMagic, LoginPresenter, DemoCommand, TaskCommand's progress bar) ---

ALLOWED = {"table": (), "thead": (), "tbody": (), "tr": (), "th": (), "td": ("style", "title"), "p": ("style",), "code": (), "b": (),
           "i": (), "small": (), "br": (), "div": (), "progress": ("value", "max", "style"), "pre": (), "h4": (), "ul": (), "li": (),
           "a": ("href", "target", "rel")}
STYLES = re.compile(r"white-space:nowrap|width:20em;accent-color:#[0-9a-f]{6}|background:#ffb81c;padding:[0-9.]+em [0-9.]+em")


def parsed(html):
    """The HTML as a browser's innerHTML parses it, checked element by element."""
    fragment = html5lib.parseFragment(html, container="div", treebuilder="etree", namespaceHTMLElements=False)
    for el in fragment.iter():
        if el is fragment:
            continue
        assert isinstance(el.tag, str) and el.tag in ALLOWED, f"<{el.tag}> is not the kernel's own, in {html!r}"
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"an event handler {name}={value!r} in {html!r}"
            assert name in ALLOWED[el.tag], f"<{el.tag} {name}> is not the kernel's own, in {html!r}"
            assert name != "href" or re.match(r"https?://", value), f"a link to {value!r}"
            assert name != "style" or STYLES.fullmatch(value), f"style {value!r}"
    return fragment


def text(el):
    return "".join(el.itertext())


def cell_reads_as(td, value, width):
    """Whether a table cell shows `value`: whole, or cut to `width` characters (a prefix and
    '…') with the whole in its title."""
    shown, title = text(td), td.get("title")
    if isinstance(value, bool) or value is None:
        return shown == {True: "true", False: "false", None: ""}[value]
    if isinstance(value, int):
        return shown == str(value)
    if not isinstance(value, str):
        return True  # nested members are shown as compact JSON
    line = flat(value)
    if title is None:
        return shown == visible(line)
    if title != visible(value) or not shown.endswith("…"):
        return False
    # The prefix is width - 1 characters, so at least that many code points, and not all of them.
    ends = list(itertools.accumulate(len(visible(c)) for c in line))
    prefix = shown[:-1]
    return visible(line).startswith(prefix) and len(prefix) in ends[width - 2:-1]


class Table:
    """A table as served: its rows (whole, in the order shown; or some columns of each, in any
    order), and the widest cell before it is cut."""

    def __init__(self, rows, ordered=True, width=80):
        self.rows, self.ordered, self.width = rows, ordered, width

    def check(self, table):
        # A column is a member the service named (its name shown as visible text too).
        names = {k for row in self.rows for k in row}
        columns = [[k for k in names if visible(k) == text(th)] for th in table.iter("th")]
        assert all(columns) or not self.ordered, f"a column no member names: {[text(th) for th in table.iter('th')]!r}"
        trs = list(table.find("tbody").iter("tr"))
        assert len(trs) == len(self.rows), f"{len(trs)} rows shown, {len(self.rows)} served"

        def matches(tr, row):
            return all(any(cell_reads_as(td, row.get(k), self.width) for k in keys)
                       for keys, td in zip(columns, tr.iter("td")) if self.ordered or any(k in row for k in keys))
        for i, row in enumerate(self.rows):
            candidates = [trs[i]] if self.ordered else trs
            assert any(matches(tr, row) for tr in candidates), (
                f"row {i} does not read back: served {[[row.get(k) for k in keys] for keys in columns]!r}, shown "
                f"{[(text(td), td.get('title')) for td in candidates[0].iter('td')]!r}")


def terminal_safe(s, where):
    bad = sorted({f"U+{ord(c):04X}" for c in s if needs_escape(c)})
    assert not bad, f"{where} holds {bad}: {s!r}"


# --- the verbs, and what each must show of the world ---


def shown_status(nice):
    return [] if nice in ("OK", "Queued") else [nice]


def cells(w):
    """(code, expectations) for every verb: `tables` (rows by column, in the order the HTML shows
    tables), `html` (strings the HTML's text holds), `plain` (strings the terminal text holds)."""
    failed, done, slow = w.task[TASK_FAILED], w.task[TASK_DONE], w.task[TASK_SLOW]
    identities = [w.hostile_login["identity_id"]]
    logins = {**SCOPES, w.hostile_login["resource_server"]: w.hostile_login["scope"]}
    tokens = Table([{"resource server": rs, "scopes": scope} for rs, scope in logins.items()], ordered=False, width=48)
    return [
        (f"%globus ls {COLLECTION}:/~/", dict(tables=[w.files], html=[f"{w.ls_path} on {COLLECTION}"])),
        (f"%globus ls {COLLECTION}:/~/ -l", dict(tables=[w.files], html=[w.ls_path])),
        ("%globus collection search tutorial", dict(tables=[w.collections])),
        (f"%globus collection show {COLLECTION}",
         dict(plain=[w.collections[0][k] for k in ("display_name", "owner_string", "description")])),
        ("%globus task list", dict(tables=[w.tasks])),
        (f"%globus task show {TASK_FAILED}",
         dict(html=[failed["task_id"], failed["fatal_error"]["description"], *shown_status(failed["nice_status"])])),
        (f"%globus task wait {TASK_DONE}", dict(html=[done["task_id"], *shown_status(done["nice_status"])])),
        (f"%globus task wait {TASK_SLOW} --interval 0.2",
         dict(html=[slow["task_id"], slow["fatal_error"]["description"], *shown_status(w.slow_first["nice_status"])], live=True)),
        ("%globus flows list", dict(tables=[w.flows])),
        (f"%globus flows status {RUN}", dict(plain=[w.run["status"], w.run["details"]["description"]])),
        ("%globus timer list", dict(tables=[w.jobs])),
        (f"%globus timer show {JOB}", dict(plain=[w.jobs[0]["name"], w.jobs[0]["status"]])),
        (f"%globus timer create transfer {COLLECTION}:/~/a {OTHER_COLLECTION}:/~/b --name nightly",
         dict(plain=[w.created_timer["timer"]["name"], w.created_timer["timer"]["job_id"]])),
        ("%globus tokens", dict(tables=[tokens], html=identities)),
        ("%globus whoami", dict(plain=[w.userinfo[k] for k in ("preferred_username", "name", "email")])),
        ("%globus whoami --linked-identities", dict(tables=[w.identities])),
        (f"%globus transfer {COLLECTION}:/~/a {OTHER_COLLECTION}:/~/b", dict(html=[w.submitted_task])),
        (f"%globus rm {COLLECTION}:/~/a", dict(html=[w.submitted_task])),
        (f"%globus mkdir {COLLECTION}:/~/new", {}),
        (f"%globus rename {COLLECTION}:/~/new /~/newer", {}),
        ("%globus call transfer GET /task_list --format table", dict(tables=[w.tasks[:TASK_PAGE]])),
        ("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial", dict(tables=[w.collections])),
        ("%globus call transfer GET /task_list --paginate -Q filter=status:FAILED", dict(tables=[w.tasks], progress=True)),
        (f"%globus call transfer GET /endpoint/{MISSING_COLLECTION}", dict(plain=[w.error_message], error=True)),
    ]


def check_cell(kc, code, tables=(), html=None, plain=(), live=False, progress=False, error=False):
    """Runs one verb; checks its terminal text, and its HTML (expected when it has `tables` or
    `html`, else there must be none)."""
    reply, msgs = run_cell(kc, code, timeout=20)
    assert reply["content"]["status"] == ("error" if error else "ok"), f"{code}: {reply['content']}"
    terminal = []
    fragments = []
    for m in msgs:
        c = m["content"]
        if m["msg_type"] == "stream":
            terminal.append(c["text"])
        elif m["msg_type"] == "error":
            terminal += [c["ename"], c["evalue"], *c["traceback"]]
        elif "data" in c:
            terminal.append(c["data"].get("text/plain", ""))
            if "text/html" in c["data"]:
                fragments.append(parsed(c["data"]["text/html"]))
    for i, t in enumerate(terminal):
        terminal_safe(t, f"{code}: terminal text {i}")
    assert visible_all(plain, "\n".join(terminal)), f"{code}: {plain!r} not read back in {terminal!r}"
    if html is None and not tables:
        assert not fragments, f"{code}: unexpected HTML"
        return msgs
    assert fragments, f"{code}: no HTML"
    shown = "\n".join(text(f) for f in fragments)
    assert visible_all(html or [], shown), f"{code}: {[visible(s) for s in html or []]!r} not read back in {shown!r}"
    shown_tables = [t for f in fragments for t in f.iter("table")]
    assert len(shown_tables) == len(tables), f"{code}: {len(shown_tables)} tables"
    for table, served in zip(shown_tables, tables):
        (served if isinstance(served, Table) else Table(served)).check(table)
    kinds = [m["msg_type"] for m in msgs]
    if live:  # the progress line was shown first, as HTML, then gave way to the result
        first = next(m for m in msgs if m["msg_type"] == "display_data")
        assert "<progress" in first["content"]["data"]["text/html"] and "update_display_data" in kinds, kinds
    if progress:  # the paging progress line, cleared when the pages are in
        assert "display_data" in kinds and "update_display_data" in kinds, kinds
    return msgs


def visible_all(strings, shown):
    return all(visible(s) in shown for s in strings)


# --- the strings ---

SPECIAL = ["\u0301", *map(chr, range(0x600, 0x606)), "\u06dd", "\u070f", "\U000110bd", "\u200d", "\ufe0f", "\U000e0100",
           "\x00", "\x07", "\x08", "\x1b", "\r", "\n", "\t", "\x7f", "\x85", "\x9b", "\u200e", "\u200f", "\u202a", "\u202e",
           "\u2066", "\u2069", '"', "'", "<", ">", "&", "/", "=", " ", "`", "\\", ";", "…"]
ATTACKS = ["<img src=x onerror=alert(1)>", '" onmouseover="alert(1)', "' onfocus='alert(1)", "<script>alert(1)</script>",
           "<svg onload=alert(1)>", "<!--", "-->", "</td></tr></table>", "&lt;", "&#60;", "javascript:alert(1)",
           "\x1b]0;title\x07", "\x1b[2J", "\x9b2J", "<a href=javascript:alert(1)>x</a>", "<style>*{}</style>"]
any_plane = st.integers(0, 16).flatmap(lambda p: st.integers(p << 16, (p << 16) | 0xFFFF)).filter(
    lambda c: not 0xD800 <= c <= 0xDFFF).map(chr)
char = st.one_of(st.sampled_from(SPECIAL), any_plane, st.characters(exclude_categories=["Cs"]))
piece = st.one_of(st.text(char, max_size=8), st.sampled_from(ATTACKS))
short = st.lists(piece, max_size=5).map("".join)
long = st.tuples(st.lists(piece, min_size=1, max_size=4).map("".join), st.integers(81, 160)).map(
    lambda t: ((t[0] or "a") * 160)[:t[1]])
hostile = st.one_of(short, long)
REPROS = ["\u0600<img src=x onerror=alert(1)//", '"\u0301 onmouseover=alert(1) x="' + "a" * 90]


@pytest.fixture(scope="module")
def hostile_kernel(tmp_path_factory):
    """One kernel for every example, on a hostile Globus whose answers change between examples."""
    g = HostileGlobus(tmp_path_factory.mktemp("tls"))
    home = tmp_path_factory.mktemp("home")
    km, kc = start_new_kernel(kernel_name="globus", env=g.kernel_env(home))
    yield g, kc, home
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    g.stop()


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts=st.lists(hostile, min_size=1, max_size=4))
@example(texts=REPROS)
@example(texts=[REPROS[1], REPROS[0], "\x1b]0;gk-title\x07\x1b[2J\u202eexe.txt"])
def test_every_verb_shows_other_peoples_text_as_text(hostile_kernel, texts):
    g, kc, home = hostile_kernel
    world = World(texts)
    g.serve(world)
    write_tokens(home, world)
    for code, expected in cells(world):
        check_cell(kc, code, **expected)


def test_visible_is_the_rule():
    """The test's own reading of the rule, on the cases it names."""
    assert visible("a\tb\nc\rd\x1b[2J\x7f\x85\x9b\u202eexe\u2066x\u2069") == \
        "a\tb\nc\\x0dd\\x1b[2J\\x7f\\x85\\x9b\\u202eexe\\u2066x\\u2069"
    assert visible("\u0600<\u0301\"\u200d\ufe0f\U000e0100") == "\u0600<\u0301\"\u200d\ufe0f\U000e0100"
    assert flat("a\n\nb\r\nc\n") == "a b\r\nc"
