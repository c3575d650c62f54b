"""HTML minutes pages (ModernGov agenda-item and minutes pages) -> plain text with paragraphs.

Headings, paragraphs, list items, table rows and other blocks end with a blank line, so the
chunker sees one paragraph per block.  Navigation, scripts, styles, forms and page chrome are
dropped; where the page marks its content (ModernGov ``#modgov`` / ``.mgContent``, ``<main>``,
``role="main"``), only that part is read.  Broken markup never raises: the standard library
parser is lenient, and whatever text there is comes out.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from html.parser import HTMLParser

from .skip import SkipFile

# Seconds one page may take to read. Reading is linear (~1 s for 2 MB of markup here); the
# budget only stops what would otherwise hold up a whole run.
HTML_BUDGET = 30.0
FEED_CHARS = 64 * 1024  # the parser is fed this much at a time, and the budget checked between

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "form",
    "button",
    "select",
    "option",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "head",
    "title",
    "aside",
    "menu",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "blockquote",
    "pre",
    "address",
    "figure",
    "figcaption",
    "details",
    "summary",
    "hr",
    "caption",
    "center",
    "fieldset",
    "legend",
    "body",
}
_CELL = {"td", "th"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|breadcrumbs?|menu|skip|cookie|banner|masthead|sidebar|"
    r"site-?header|site-?footer|footer|header|share|social|search|mgBreadCrumbs|mgLinks|mgSideBar|"
    r"mgPageFooter|mgTopLinks)(?:$|[\s_-])",
    re.I,
)
_CONTENT_IDS = re.compile(r"^(?:modgov|mgContent|content|main-content|maincontent|main)$", re.I)
_BR = "\u2028"  # a line break inside a block, kept apart from block ends until the end


class _Extractor(HTMLParser):
    def __init__(self, drop_chrome: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.drop_chrome = drop_chrome
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, content root)
        self.open_tags: Counter = Counter()  # tags on the stack, so a stray end tag costs no scan
        self.skip = 0
        self.parts: list[str] = []  # all text
        self.content_parts: list[str] = []  # text inside a marked content root
        self.in_content = 0
        self.skipped_text = 0

    # -- helpers --------------------------------------------------------------------------
    def _emit(self, s: str) -> None:
        self.parts.append(s)
        if self.in_content:
            self.content_parts.append(s)

    def _is_chrome(self, tag: str, attrs: dict) -> bool:
        if tag in _SKIP:
            return tag not in ("header", "footer", "nav", "aside", "menu", "form") or self.drop_chrome
        if not self.drop_chrome:
            return False
        if attrs.get("aria-hidden") == "true" or "hidden" in attrs:
            return True
        role = (attrs.get("role") or "").lower()
        if role in ("navigation", "banner", "contentinfo", "search", "menu", "menubar"):
            return True
        label = " ".join(filter(None, [attrs.get("id"), attrs.get("class")]))
        return bool(label and _CHROME.search(label) and not _CONTENT_IDS.match(attrs.get("id") or ""))

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "br":
            if not self.skip:
                self._emit(_BR)
            return
        if tag in _VOID:
            if tag == "hr" and not self.skip:
                self._emit("\n\n")
            return
        skipping = self._is_chrome(tag, attrs)
        ids = [attrs.get("id", "")] + attrs.get("class", "").split()
        root = (
            tag == "main"
            or attrs.get("role", "").lower() == "main"
            or any(_CONTENT_IDS.match(x) and x.lower() in ("modgov", "mgcontent") for x in ids if x)
        )
        self.stack.append((tag, skipping, root))
        self.open_tags[tag] += 1
        if skipping:
            self.skip += 1
        if root:
            self.in_content += 1
        if not self.skip:
            if tag in _BLOCK:
                self._emit("\n\n")
            elif tag in _CELL:
                self._emit(" ")

    def handle_startendtag(self, tag: str, attrs_list) -> None:
        if tag in _VOID:
            self.handle_starttag(tag, attrs_list)
        else:
            self.handle_starttag(tag, attrs_list)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Close up to the matching open tag; a stray end tag with no opener is ignored. Each tag
        # is popped once, so closing is linear (scanning the stack for every stray end tag under
        # a deep stack was quadratic).
        if not self.open_tags[tag]:
            return
        while True:
            t, skipping, root = self.stack.pop()
            self.open_tags[t] -= 1
            if skipping:
                self.skip -= 1
            if root:
                self.in_content -= 1
            if not self.skip and t in _BLOCK:
                self._emit("\n\n")
            elif not self.skip and t in _CELL:
                self._emit(" ")
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            self.skipped_text += len(data.strip())
            return
        self._emit(re.sub(r"[ \t\r\n\f]+", " ", data))


def _tidy(parts: list[str]) -> str:
    text = "".join(parts)
    lines = []
    for block in re.split(r"\n\s*\n", text):
        block = "\n".join(ln.strip(" \t") for ln in block.split(_BR))
        block = re.sub(r"[ \t]+", " ", block).strip()
        block = re.sub(r"\n{2,}", "\n", block)
        if block and re.sub(r"[\s\u00a0\u200b]+", "", block):
            lines.append(block)
    return "\n\n".join(lines) + ("\n" if lines else "")


def _parse(parser: _Extractor, text: str, deadline: float) -> None:
    """Feed ``text`` a piece at a time, checking the deadline; then close without quadratic work.

    ``HTMLParser.close()`` reads markup left unfinished at the end (``<a <a <a ...`` with no
    ``>``, an unclosed ``<!--``) as text one ``<`` at a time, rescanning to the end each time:
    60 KB took 72 s. Fed without closing, the parser stops at the first unfinished construct in
    one scan; its ``<`` is then given back as text and the rest fed again (so text after an
    unclosed comment is still read), a few times, and after that all of what is left is text.
    """
    try:
        for start in range(0, len(text), FEED_CHARS):
            parser.feed(text[start : start + FEED_CHARS])
            if time.monotonic() > deadline:
                raise SkipFile(f"HTML took more than {HTML_BUDGET:g} s to read (malformed markup?)")
        for attempt in range(4):
            leftover = parser.rawdata
            if not leftover.startswith("<"):
                break
            parser.rawdata = ""
            parser.feed(leftover.replace("<", "&lt;") if attempt == 3 else "&lt;" + leftover[1:])
        parser.close()
    except SkipFile:
        raise
    except Exception:  # noqa: BLE001 (html.parser is lenient; a last guard against odd input)
        pass


def html_text(text: str) -> str:
    """The readable text of an HTML page, one block per paragraph, blank lines between.

    Raises SkipFile when reading takes longer than ``HTML_BUDGET`` seconds.
    """
    deadline = time.monotonic() + HTML_BUDGET
    parser = _Extractor(drop_chrome=True)
    _parse(parser, text, deadline)
    main = _tidy(parser.content_parts)
    if len(main.strip()) >= 20:
        return main
    everything = _tidy(parser.parts)
    if everything.strip() or not parser.skipped_text:
        return everything
    # All text was inside what looked like page chrome (e.g. an unclosed <nav>): keep it all.
    fallback = _Extractor(drop_chrome=False)
    _parse(fallback, text, deadline)
    return _tidy(fallback.parts)
