"""The ``minsearch`` command line: thin click commands over the indexer and the Searcher.

Heavy modules (NumPy, Whoosh, ONNX Runtime, torch) are imported inside commands, so
``minsearch --help`` is instant and a keyword query never loads an embedding model.
"""

from __future__ import annotations

import json
import math
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

from ..citation import cite
from ..config import FUSIONS, Settings, load_settings
from ..export import FORMATS
from ..model import MODES, SORTS, MinsearchError, os_error_text
from ..searching.validate import MAX_LIMIT
from .present import also_in, count_text, counts_note, shown_motion

INDEX_HELP = "Index home folder. Default: $MINSEARCH_INDEX, else ./index in the working directory."
BACKEND_HELP = "Where chunks live: 'embedded' (Whoosh + NumPy, default) or 'milvus' ($MINSEARCH_BACKEND)."
MILVUS_HELP = "Milvus server URI for --backend milvus ($MINSEARCH_MILVUS_URI; default http://127.0.0.1:19530)."
COLLECTION_HELP = (
    "Milvus collection name for --backend milvus; one index per name ($MINSEARCH_MILVUS_COLLECTION; default minsearch)."
)


def _settings(
    index: Optional[str],
    backend: Optional[str] = None,
    milvus_uri: Optional[str] = None,
    milvus_collection: Optional[str] = None,
) -> Settings:
    return load_settings(index_dir=index, backend=backend, milvus_uri=milvus_uri, milvus_collection=milvus_collection)


def cli_message(error: MinsearchError) -> str:
    """The error as this command line words it: its parameter as the option that sets it
    (``since`` -> ``--since``) when the running command has that option, else as it is (a file,
    the query). The one place the CLI spells parameters."""
    ctx = click.get_current_context(silent=True)
    options = {
        opt[2:]: opt
        for p in (ctx.command.params if ctx else [])
        if isinstance(p, click.Option)
        for opt in p.opts
        if opt.startswith("--")
    }
    return error.render(lambda param: options.get(param, param))


def _fail(error: MinsearchError | str, code: int = 1) -> None:
    message = error if isinstance(error, str) else cli_message(error)
    click.echo(f"minsearch: error: {message}", err=True)
    sys.exit(code)


def _backend_options(f):
    f = click.option("--milvus-collection", metavar="NAME", help=COLLECTION_HELP)(f)
    f = click.option("--milvus-uri", metavar="URI", help=MILVUS_HELP)(f)
    f = click.option("--backend", type=click.Choice(["embedded", "milvus"]), help=BACKEND_HELP)(f)
    return f


_mode_option = click.option(
    "--mode",
    type=click.Choice(MODES),
    default="hybrid",
    show_default=True,
    help="keyword: the query's words (Whoosh query language), and the glossary's other wordings for "
    "its acronyms and everyday terms; semantic: meaning; hybrid: both, fused.",
)


def _filter_options(f):
    """--council, --committee, --since and --until, as every command that searches takes them."""
    for option in reversed(
        [
            click.option(
                "--council", metavar="NAME", help="Only minutes of this council (any case, or the start of a word)."
            ),
            click.option(
                "--committee", metavar="NAME", help="Only minutes of this committee (any case, or words of its name)."
            ),
            click.option("--since", metavar="YYYY-MM-DD", help="Only meetings on or after this date."),
            click.option("--until", metavar="YYYY-MM-DD", help="Only meetings on or before this date."),
        ]
    ):
        f = option(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="minsearch")
def main() -> None:
    """Search local-government committee minutes by keyword and by meaning.

    \b
    Typical use:
      minsearch index seeds/                 build or update the index
      minsearch query "dental checks"        search it
      minsearch serve                        the search page on http://127.0.0.1:8000
    """


# -- index ----------------------------------------------------------------------------------------
def _seconds(ctx, param, value: float) -> float:
    """A finite number of seconds, 0 or more (``nan`` compared false with every deadline: it waited forever)."""
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"must be a finite number of seconds, 0 or more, not {value}")
    return value


class _Progress:
    """A bar per phase on a terminal; a few plain lines per phase in logs."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self._bar: Optional[ProgressBar[int]] = None
        self._phase = ""
        self._total = 0
        self._done = 0
        self._next_log = 0
        self._t0 = time.monotonic()

    def start(self, phase: str, total: int) -> None:
        self._close_bar()
        self._phase, self._total, self._done = phase, total, 0
        self._t0 = time.monotonic()
        if self.tty and total > 0:
            self._bar = click.progressbar(
                length=total, label=f"{phase:10s}", file=sys.stderr, show_eta=True, show_pos=True, item_show_func=None
            )
            self._bar.__enter__()
        elif total > 0:
            click.echo(f"{phase}: 0/{total}", err=True)
            self._next_log = max(1, total // 10)

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._total and (self._done >= self._next_log or self._done == self._total):
            rate = self._done / max(1e-9, time.monotonic() - self._t0)
            eta = (self._total - self._done) / rate if rate else 0
            click.echo(f"{self._phase}: {self._done}/{self._total} ({rate:.1f}/s, eta {eta:.0f}s)", err=True)
            self._next_log = self._done + max(1, self._total // 10)

    def note(self, message: str) -> None:
        self._close_bar()
        click.echo(message, err=True)

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@click.option("--prune", is_flag=True, help="Remove indexed documents whose files are no longer under PATHS.")
@click.option(
    "--force",
    is_flag=True,
    help="With --prune: remove them even if PATHS give no document at all (which empties the index).",
)
@click.option("--strict", is_flag=True, help="Fail (and change nothing) if any file has to be skipped.")
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Follow symbolic links that point outside PATHS (by default they are skipped and listed).",
)
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    callback=_seconds,
    help="If another indexer holds the index, wait this long for it instead of exiting.",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ADDRESS]",
    help="Compute embeddings on a Ray cluster (ADDRESS, or a local one if omitted).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@_backend_options
def index_cmd(
    paths: tuple[Path, ...],
    index: Optional[str],
    prune: bool,
    force: bool,
    strict: bool,
    follow_symlinks: bool,
    wait: float,
    ray_address: Optional[str],
    as_json: bool,
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """Index minutes from PATHS (files or folders), or update an existing index.

    Text, HTML, PDF and JSON Lines files are recognised by their content. Only new and
    changed documents are processed; the live index keeps answering until the new
    generation is complete, then switches in one step. Unreadable files are skipped and
    listed with a reason.
    """
    from ..indexer import index_paths

    settings = _settings(index, backend, milvus_uri, milvus_collection)
    try:
        summary = index_paths(
            paths,
            settings,
            prune=prune,
            force=force,
            strict=strict,
            follow_symlinks=follow_symlinks,
            wait=wait,
            progress=_Progress(),
            ray_address=ray_address,
        )
    except MinsearchError as e:
        _fail(e)
    except KeyboardInterrupt:
        _fail("interrupted; the live index is unchanged", 130)
    if as_json:
        click.echo(json.dumps(summary.to_json()))
        return
    s = summary
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in s.seconds.items())
    click.echo(
        f"Indexed into {settings.index_dir if settings.backend == 'embedded' else settings.milvus_uri}"
        f" ({s.generation or 'no generation'}{'' if s.published else ', unchanged'})"
    )
    click.echo(f"  documents: {s.documents}  chunks: {s.chunks}")
    click.echo(
        f"  added {len(s.added)}, changed {len(s.changed)}, removed {len(s.removed)}, "
        f"unchanged {s.unchanged}, skipped {len(s.skipped)}; {s.new_chunks} chunks written"
        + (f" ({s.reused_units} texts embedded before: their vectors reused)" if s.reused_units else "")
    )
    if s.kept_missing:
        click.echo(
            f"  kept {len(s.kept_missing)} indexed document(s) not found under these paths "
            f"(pass --prune to remove them)"
        )
    if s.watched:  # "3 saved searches have 5 new matches"
        n, k = sum(s.new_matches.values()), len(s.new_matches) or s.watched
        click.echo(
            f"  {k} saved search{'es have' if k != 1 else ' has'} {n} new match{'es' if n != 1 else ''}"
            + (" (minsearch watch news)" if n else "")
        )
    click.echo(f"  time: {secs}")
    for sk in s.skipped:
        click.echo(f"  skipped {sk}", err=True)


# -- query ----------------------------------------------------------------------------------------
def _format_hit(hit, color: bool) -> str:
    c = hit.chunk
    where = " · ".join(x for x in (c.council, c.committee, c.date) if x) or "—"
    snippet = "".join(
        (click.style(t, bold=True, fg="yellow") if color else f"**{t}**") if m else t for t, m in hit.snippet
    )
    # No score: the list is not in score order where the query names a number or code (the
    # paragraphs holding all of it come first), and "#5 0.109, #6 0.944" read as a mistake.
    # --json keeps it.
    head = f"{hit.rank:>2}. {c.title}"
    also = ""
    if hit.also:
        shown, rest = also_in(hit)
        # (as the page labels them; without a link, a copy whose paragraph the source does not
        # number is also named by its id: two copies in "minute 308" read as one place)
        places = "; ".join(label if a.para_ref else f"{label} ({a.chunk_id})" for a, label in shown)
        more = f" and {rest} more" if rest else ""
        also = f"    also in: {places}{more}\n"
    ref = cite(c)
    link = f"    original: {ref.url}\n" if ref.url else ""
    said = "the vote on" if hit.motion else "the motion"
    motion = f"    {said}: {shown_motion(hit.motion or hit.moves)}\n" if hit.motion or hit.moves else ""
    return (
        f"{click.style(head, bold=True) if color else head}\n"
        f"    {where} · {c.section} · {c.chunk_id}\n"
        f"    {snippet}\n{motion}"
        f"    cite: {ref.text}\n{link}{also}"
    )


def _export(result, fmt: str, output: Optional[Path]) -> None:
    """One query's results as an evidence export (:mod:`minsearch.export`), to ``output`` or stdout."""
    from ..export import entries_for, render

    q = result.query
    entries = entries_for(result.hits, q.text, q.mode, q.filters)
    if not entries:
        click.echo("note: no confident matches; the export has no entries", err=True)
    data, _media, _ext = render(entries, fmt, title=f"Evidence from the minutes: {q.text}")
    if output is None:
        click.echo(data.decode("utf-8").removeprefix("\ufeff"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as e:
        _fail(MinsearchError(f"{output}: cannot write the export ({os_error_text(e)})"))
    click.echo(f"wrote {len(entries)} paragraph(s) to {output}", err=True)


def _check_export_options(fmt: str, output: Optional[Path], json_lines: bool) -> None:
    """Fail (exit 2) on --format/--output combinations that cannot be honoured."""
    if fmt != "text" and json_lines:
        _fail("--format exports one query's results: give it without --json and --queries-file", 2)
    if fmt == "docx" and output is None:
        _fail("--format docx writes a Word file: give --output FILE (e.g. -o evidence.docx)", 2)
    if output is not None and fmt == "text":
        _fail("--output writes an export: give --format csv, md, json or docx", 2)


@main.command("query")
@click.argument("text", required=False)
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@_mode_option
@click.option("--limit", "-n", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True, help="Number of hits.")
@_filter_options
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Order of hits: best match first, or newest meeting first (among the matches).",
)
@click.option(
    "--fusion",
    type=click.Choice(FUSIONS),
    default=None,
    help="Hybrid fusion: weighted scores (default, semantic share 0.8) or reciprocal rank fusion ($MINSEARCH_FUSION).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object per query: {query, mode, hits: [{rank, score, text, chunk_id, ...}]}.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", *FORMATS]),
    default="text",
    show_default=True,
    help="text: for reading; csv, md, json, docx: evidence to take away (quote, citation, link to the "
    "original, the query and filters), as the page's Download gives it. docx needs --output.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the --format export to FILE instead of the screen.",
)
@click.option(
    "--queries-file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE",
    help="Run every line of FILE as a query ('-' for stdin); prints one JSON object per line.",
)
@_backend_options
def query_cmd(
    text: Optional[str],
    index: Optional[str],
    mode: str,
    limit: int,
    council: Optional[str],
    committee: Optional[str],
    since: Optional[str],
    until: Optional[str],
    sort: str,
    fusion: Optional[str],
    as_json: bool,
    fmt: str,
    output: Optional[Path],
    queries_file,
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """Search the index for TEXT.

    \b
    TEXT uses the Whoosh query language in keyword and hybrid modes:
      dental checks              either word, best matches first
      "dental checks"            the exact phrase (quoted words are not stemmed)
      fostering AND NOT adoption boolean operators
      title:performance          a field: title, text, council, committee, section
      date:[2020 to 2021]        a date range
    """
    from ..model import Filters, Query
    from ..search import Searcher

    if queries_file is None and (text is None or not text.strip()):
        _fail("query: empty; give TEXT or --queries-file", 2)
    if queries_file is not None and text:
        _fail("give either TEXT or --queries-file, not both", 2)
    _check_export_options(fmt, output, as_json or queries_file is not None)
    try:
        searcher = Searcher(_settings(index, backend, milvus_uri, milvus_collection))
        filters = Filters(council=council, committee=committee, since=since, until=until)

        def run(q_text: str):
            return searcher.search(
                Query(text=q_text, mode=mode, limit=limit, filters=filters, sort=sort, fusion=fusion),
                snippets=not (as_json or queries_file),
                counts=as_json or queries_file is not None,
            )

        if queries_file is not None:
            for line in queries_file:
                line = line.strip()
                if not line:
                    continue
                try:
                    out = run(line).to_json()
                except MinsearchError as e:
                    out = {"query": line, "mode": mode, "error": cli_message(e), "hits": []}
                click.echo(json.dumps(out, ensure_ascii=False))
            return
        result = run(text or "")
    except MinsearchError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    if fmt != "text":
        _export(result, fmt, output)
        return
    _print_result(result)


# Options a "did you mean" command repeats, so that it runs the same search with the corrected words.
_SAME_SEARCH = ("index", "mode", "council", "committee", "since", "until", "sort")


def _suggested_command(command: str, suggestion: str) -> str:
    """``minsearch COMMAND 'SUGGESTION'`` with the options this run was given (a search of the
    same index, mode and filters), as one line to copy."""
    ctx = click.get_current_context()
    words = ["minsearch", command, shlex.quote(suggestion)]
    for name in _SAME_SEARCH:
        value = ctx.params.get(name)
        if value is None or ctx.get_parameter_source(name) is not click.core.ParameterSource.COMMANDLINE:
            continue
        words += [f"--{name}", shlex.quote(str(value))]
    return " ".join(words)


def _print_result(result) -> None:
    """The text view of one query's results: notes on stderr, then the hits (or the closest ones)."""
    color = sys.stdout.isatty()
    for n in result.notices:
        click.echo(f"note: {n}", err=True)
    for term in result.expansions:
        click.echo(f"note: also searched {term}", err=True)
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}?  ({_suggested_command('query', result.suggestion)})")
    if not result.hits and result.by_number:  # (the note says what has no such number)
        click.echo("No paragraphs: nothing has that number.")
        return
    if not result.hits:
        click.echo("No confident matches. Try fewer words, another mode (--mode semantic), or fewer filters.")
        if result.closest:
            click.echo("\nClosest paragraphs, low confidence:\n")
            for hit in result.closest:
                click.echo(_format_hit(hit, color))
        return
    click.echo(f"{count_text(result)}\n")
    for hit in result.hits:
        click.echo(_format_hit(hit, color))


# -- facets ----------------------------------------------------------------------------------------
def _count_lines(title: str, counts: dict[str, int], top: int) -> list[str]:
    if not counts:
        return []
    shown = list(counts.items())[:top] if top else list(counts.items())
    width = max(len(f"{n:,}") for _k, n in shown)
    lines = [f"{title}:"] + [f"  {n:>{width},}  {name}" for name, n in shown]
    if len(counts) > len(shown):
        lines.append(f"  ... and {len(counts) - len(shown)} more (--top 0 lists all)")
    return lines


@main.command("facets")
@click.argument("text", required=False)
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True, help="How TEXT is matched.")
@_filter_options
@click.option("--top", type=click.IntRange(0), default=15, show_default=True, help="Names listed per heading (0: all).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {query, total, councils, committees, years, quarters, months, more, notices}.",
)
@_backend_options
def facets_cmd(
    text: Optional[str],
    index: Optional[str],
    mode: str,
    council: Optional[str],
    committee: Optional[str],
    since: Optional[str],
    until: Optional[str],
    top: int,
    as_json: bool,
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """Count matching paragraphs per council, committee and year (all paragraphs without TEXT).

    \b
    Examples:
      minsearch facets                     what the index holds
      minsearch facets "dental checks"     where and when a topic comes up
    """
    from ..model import Filters, Query
    from ..search import Searcher

    filters = Filters(council=council, committee=committee, since=since, until=until)
    asked = bool(text and text.strip())  # (blank: every paragraph is counted, not a search's matches)
    try:
        searcher = Searcher(_settings(index, backend, milvus_uri, milvus_collection))
        if asked:
            result = searcher.search(Query(text=text or "", mode=mode, filters=filters), snippets=False, counts=True)
            counts, total, more = result.counts, result.total, result.more
            suggestion, notices = result.suggestion, result.notices
        else:
            counts = searcher.counts(filters)
            total, more, suggestion, notices = counts.total, False, None, []
    except MinsearchError as e:
        _fail(e)
    assert counts is not None
    if as_json:
        click.echo(
            json.dumps({"query": text if asked else None, **counts.to_json(), "notices": notices}, ensure_ascii=False)
        )
        return
    for note in notices:  # e.g. the dates named in the words, which filter what is counted
        click.echo(f"note: {note}", err=True)
    what = ("matching paragraph" if asked else "paragraph") + ("" if total == 1 else "s")
    click.echo(f"{total:,}{'+' if more else ''} {what}")
    if suggestion:
        click.echo(f"Did you mean: {suggestion}?  ({_suggested_command('facets', suggestion)})")
    note = counts_note(counts) if asked else ""
    if note:
        click.echo(note)
    for title, values, n in (
        ("councils", counts.councils, top),
        ("committees", counts.committees, top),
        ("years", counts.years, 0),  # every year, in order: a timeline is read whole
    ):
        lines = _count_lines(title, values, n)
        if lines:
            click.echo("")
            click.echo("\n".join(lines))


# -- decisions -------------------------------------------------------------------------------------
def _format_decision(d, prev, after, color: bool) -> str:
    """One decision; the agenda item and the lead-in only when they differ from ``prev``'s, the
    outcome only when ``after`` does not share it (one vote on a list of points)."""
    c = d.hit.chunk
    text = "".join(
        (click.style(t, bold=True, fg="yellow") if color else f"**{t}**") if m else t for t, m in d.hit.snippet
    ) or " ".join(c.text.split())
    new_item = prev is None or prev.hit.chunk.item != c.item
    lines = [f"  {click.style(c.title, bold=True) if color else c.title}"] if new_item else []
    if d.lead and (new_item or prev.lead != d.lead):
        lines.append(f"    {' '.join(d.lead.split())}")
    indent = "      " if d.lead else "    "  # a point under its lead-in
    lines.append(f"{indent}{text}")
    if d.outcome and not d.shares_outcome(after):
        lines.append(f"{indent}Outcome: {d.outcome}")
    # Each decision cited as a briefing quotes it (a point: "para 26(2)"); the link to the original
    # once, under the meeting.
    lines.append(f"{indent}cite: {cite(c).text}")
    return "\n".join(lines)


@main.command("decisions")
@click.argument("text")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@_mode_option
@_filter_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: {query, total, meetings: [{date, committee, decisions: [{text, outcome, ...}]}]}.",
)
@_backend_options
def decisions_cmd(
    text: str,
    index: Optional[str],
    mode: str,
    council: Optional[str],
    committee: Optional[str],
    since: Optional[str],
    until: Optional[str],
    as_json: bool,
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """What meetings resolved about TEXT, oldest meeting first.

    \b
    Searches the decisions only (resolutions, motions and what the minutes record as agreed),
    lists the confident matches grouped by meeting with committee and date, and the outcome
    where the minutes state it (carried, lost, the vote).
    \b
    A question works too ("what did cabinet decide about the budget since 2022"): its topic is
    searched, and the committee or year it names becomes the filter (a note says so).
    \b
    Example:
      minsearch decisions "placement sufficiency" --since 2022-01-01
    """
    from ..model import Filters, Query
    from ..search import Searcher

    try:
        searcher = Searcher(_settings(index, backend, milvus_uri, milvus_collection))
        filters = Filters(council=council, committee=committee, since=since, until=until)
        result = searcher.decisions(Query(text=text, mode=mode, filters=filters), snippets=not as_json)
    except MinsearchError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    from .present import decisions_count_text

    color = sys.stdout.isatty()
    for n in result.notices:
        click.echo(f"note: {n}", err=True)
    for term in result.expansions:
        click.echo(f"note: also searched {term}", err=True)
    if not result.total:
        click.echo("No decision matches this search with confidence. Try fewer words, or search all the minutes:")
        click.echo(f"  minsearch query {json.dumps(result.query.text, ensure_ascii=False)}")
        return
    click.echo(f"{decisions_count_text(result)}, oldest first\n")
    for m in result.meetings:
        head = " · ".join(x for x in (m.date or "undated", m.council, m.committee) if x) + f" ({m.doc_id})"
        click.echo(click.style(head, bold=True, fg="cyan") if color else head)
        url = cite(m.decisions[0].hit.chunk).url if m.decisions else ""
        if url:
            click.echo(f"  original: {url}")
        for prev, d, after in zip([None, *m.decisions], m.decisions, [*m.decisions[1:], None]):
            click.echo(_format_decision(d, prev, after, color))
        click.echo("")


# -- import ----------------------------------------------------------------------------------------
@main.command("import")
@click.argument("corpus", type=click.Choice(["limerick", "london-ontario", "cleveland", "kent"]))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--data",
    "data_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the shared corpora. Default: $MINSEARCH_DATA, else ../shared/data.",
)
@click.option("--limit", type=click.IntRange(1), metavar="N", help="Only the first N documents.")
def import_cmd(corpus: str, out: Path, data_dir: Optional[Path], limit: Optional[int]) -> None:
    """Turn a shared corpus into a JSON Lines file that `minsearch index` reads.

    \b
    Example:
      minsearch import limerick /tmp/limerick.jsonl && minsearch index /tmp/limerick.jsonl
    """
    from ..ingest.corpora import import_corpus

    try:
        n = import_corpus(corpus, out, data_dir=data_dir or load_settings().data_dir, limit=limit)
    except MinsearchError as e:
        _fail(e)
    except OSError as e:
        _fail(f"{out}: {os_error_text(e)}")
    click.echo(f"wrote {n} records to {out}")


# -- status ----------------------------------------------------------------------------------------
@main.command("status")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@_backend_options
def status_cmd(
    index: Optional[str],
    as_json: bool,
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """Show the live index: generation, documents, chunks, model, size on disk, last indexed."""
    from dataclasses import asdict

    from ..store import open_store

    try:
        store = open_store(_settings(index, backend, milvus_uri, milvus_collection))
        with store.pinned() as view:
            info, facets = view.info(), view.facets()
    except MinsearchError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps({**asdict(info), "councils": facets.councils, "committees": facets.committees}))
        return
    click.echo(f"index:        {info.location} ({info.backend})")
    click.echo(f"generation:   {info.generation}")
    click.echo(f"documents:    {info.documents}")
    click.echo(f"chunks:       {info.chunks}")
    click.echo(f"model:        {info.model} ({info.dim} dimensions)")
    click.echo(f"size on disk: {info.size_bytes / 1e6:.1f} MB")
    click.echo(f"last indexed: {info.last_indexed}")
    if facets.councils:
        click.echo(f"councils:     {', '.join(facets.councils)}")


# -- serve -----------------------------------------------------------------------------------------
@main.command("serve")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default serves this machine only; 0.0.0.0 serves the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Requests served at the same time by each worker [default: 4 with one worker; 32 with several, "
    "of which one searches at a time, so a document or /api/health does not wait behind searches].",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes [default: one per core, at most 4]. 1: one process (waitress).",
)
@_backend_options
def serve_cmd(
    index: Optional[str],
    host: str,
    port: int,
    threads: Optional[int],
    workers: Optional[int],
    backend: Optional[str],
    milvus_uri: Optional[str],
    milvus_collection: Optional[str],
) -> None:
    """Serve the search page and JSON API on http://HOST:PORT/ (gunicorn workers; waitress for one).

    \b
    Pages:  /  (search)   /doc/ID  (an agenda item)   /similar?chunk=ID  (more like this)
            /meetings  /committees  /meeting/ID  (browse without a query)
    API:    /api/search?q=...&mode=...&council=...&page=...   /api/health
    One line per request is logged to stderr. Stop with Ctrl-C.
    """
    from .serve import WORKER_THREADS, default_workers, serve

    workers = workers or default_workers()
    try:
        serve(
            _settings(index, backend, milvus_uri, milvus_collection),
            host=host,
            port=port,
            threads=threads or (WORKER_THREADS if workers > 1 else 4),
            workers=workers,
        )
    except MinsearchError as e:
        _fail(e)


# -- watch -----------------------------------------------------------------------------------------
SMTP_HELP = (
    "Send the digest by email through this SMTP server (HOST:PORT). With $MINSEARCH_SMTP_USER and "
    "$MINSEARCH_SMTP_PASSWORD set it uses STARTTLS and logs in; $MINSEARCH_SMTP_FROM sets the sender."
)


@main.group("watch")
def watch() -> None:
    """Saved searches: each re-index records the paragraphs it adds that match them.

    \b
      minsearch watch add "dental checks" --council Kirklees
      minsearch index minutes/            (reports "1 saved search has 2 new matches")
      minsearch watch news                what the last re-index found
    """


@watch.command("add")
@click.argument("query")
@click.option("--council", default="", help="Only this council's meetings.")
@click.option("--committee", default="", help="Only this committee's meetings.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True, help="How to match.")
@click.option("--name", default="", help="What to call it (default: the words).")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
def watch_add(query: str, council: str, committee: str, mode: str, name: str, index: Optional[str]) -> None:
    """Save a search: later re-indexes report its new matches."""
    from ..searching.alerts import save_search
    from ..store.watchlist import SavedSearch

    try:
        s = save_search(_settings(index), SavedSearch(name, query, council, committee, mode))
    except MinsearchError as e:
        _fail(e)
    click.echo(f"Saved {s.name!r}; `minsearch index` will report its new matches.")


@watch.command("list")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def watch_list(index: Optional[str], as_json: bool) -> None:
    """List the saved searches."""
    from ..searching.alerts import saved_searches

    try:
        found = saved_searches(_settings(index))
    except MinsearchError as e:
        _fail(e)
    if as_json:
        # What was saved, as `watch news --json` names it; not the scores and the query's vector
        # (base64, ~2 KB) kept for the re-index checks.
        shown = [
            {"name": s.name, "query": s.query, "council": s.council or None, "committee": s.committee or None}
            | {"mode": s.mode, "created": s.created}
            for s in found
        ]
        click.echo(json.dumps(shown, ensure_ascii=False))
        return
    for s in found:
        limits = "".join(f"  {k}: {v}" for k, v in (("council", s.council), ("committee", s.committee)) if v)
        click.echo(f"{s.name}  [{s.query}]  {s.mode}{limits}")
    if not found:
        click.echo('No saved searches; add one with `minsearch watch add "WORDS"`.')


@watch.command("remove")
@click.argument("name")
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
def watch_remove(name: str, index: Optional[str]) -> None:
    """Remove the saved search NAME (and its recorded matches)."""
    from ..searching.alerts import forget_search

    try:
        forget_search(_settings(index), name)
    except MinsearchError as e:
        _fail(e)
    click.echo(f"Removed {name!r}.")


@watch.command("news")
@click.argument("name", required=False)
@click.option(
    "--since",
    metavar="GEN|DATE",
    help="Matches found after generation GEN, on or after DATE (YYYY-MM-DD), or 'all'. "
    "Default: what the last re-index found.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True)
@click.option(
    "--base-url",
    metavar="URL",
    help="The search page's address (https://minutes.example.org), to link "
    "each paragraph; without it each names its file.",
)
@click.option("--email", metavar="TO", help="Email the digest to this address (needs --smtp).")
@click.option("--smtp", metavar="HOST:PORT", help=SMTP_HELP)
@click.option("--index", "index", metavar="DIR", help=INDEX_HELP)
def watch_news(
    name: Optional[str],
    since: Optional[str],
    as_json: bool,
    fmt: str,
    base_url: Optional[str],
    email: Optional[str],
    smtp: Optional[str],
    index: Optional[str],
) -> None:
    """The new matches of each saved search (or of NAME): council, committee, date, item, where."""
    from ..searching.alerts import news
    from .digest import news_json, send_digest, text_digest
    from .present import safe_link

    if bool(email) != bool(smtp):
        _fail(MinsearchError("{email} and {smtp} go together", param="email", mentions=("email", "smtp")))
    if as_json and fmt != "text":
        _fail("--json and --format are two ways to print it: give one", 2)
    if base_url is not None and safe_link(base_url) is None:
        _fail(MinsearchError(f"{base_url[:60]!r} is not an http(s) address", param="base-url"))
    try:
        found = news(_settings(index), name, since)
        if email and smtp:
            n = send_digest(found, email, smtp, base_url)
            click.echo(f"Sent {n} new match{'es' if n != 1 else ''} to {email}.")
            return
    except MinsearchError as e:
        _fail(e)
    if as_json:
        click.echo(json.dumps(news_json(found), ensure_ascii=False))
        return
    click.echo(text_digest(found, base_url, markdown=fmt == "md"), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
