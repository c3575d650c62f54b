"""Text PDFs -> plain text (pypdf), pages joined with a form feed so page furniture can be dropped.

Every failure is a :class:`SkipFile` with a one-line reason: truncated, encrypted, corrupt, or
no text layer at all (a scan).  Paragraphs are rebuilt later by
:func:`minsearch.ingest.structure.rebuild_paragraphs` (the chunker calls it for PDFs).
"""

from __future__ import annotations

import io
import logging
import warnings

from .skip import SkipFile

PAGE_BREAK = "\n\f\n"
MAX_PAGES = 2000


def _reason(e: BaseException) -> str:
    msg = " ".join(str(e).split()) or e.__class__.__name__
    return msg if len(msg) <= 120 else msg[:117] + "..."


def pdf_text(data: bytes) -> str:
    """The text of every page, pages joined by ``\\n\\f\\n``. Raises SkipFile with the reason."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as e:  # pragma: no cover - pypdf is a dependency
        raise SkipFile("PDF support needs the pypdf package") from e
    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        raise SkipFile("not a PDF (no %PDF- header)")
    if data.rfind(b"%%EOF") < 0:
        raise SkipFile("truncated PDF (no end-of-file marker)")
    pypdf_log = logging.getLogger("pypdf")
    old_level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # damaged files make pypdf log a line per object
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = PdfReader(io.BytesIO(data[start:]), strict=False)
            except (
                PdfReadError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
                IndexError,
                RecursionError,
                OSError,
                AssertionError,
                NotImplementedError,
            ) as e:
                raise SkipFile(f"corrupt PDF ({_reason(e)})") from None
            except Exception as e:  # noqa: BLE001 (pypdf raises many kinds on broken input)
                raise SkipFile(f"corrupt PDF ({_reason(e)})") from None
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")  # many "encrypted" PDFs have only an owner password
                except Exception as e:  # noqa: BLE001 (pypdf: any failure to decrypt is a skip)
                    raise SkipFile(f"encrypted PDF (cannot decrypt: {_reason(e)})") from None
                if not ok:
                    raise SkipFile("encrypted PDF (password required)")
            try:
                pages = reader.pages
                n = len(pages)
            except Exception as e:  # noqa: BLE001 (pypdf: any failure to list pages is a corrupt file)
                raise SkipFile(f"corrupt PDF ({_reason(e)})") from None
            if n == 0:
                raise SkipFile("PDF has no pages")
            texts: list[str] = []
            failed = 0
            for i in range(min(n, MAX_PAGES)):
                try:
                    t = pages[i].extract_text() or ""
                except Exception:  # noqa: BLE001 (pypdf: a broken page costs that page only)
                    failed += 1
                    t = ""
                texts.append(t.replace("\x00", "").strip("\n"))
    finally:
        pypdf_log.setLevel(old_level)
    if failed == len(texts):
        raise SkipFile(f"corrupt PDF (no page could be read, {n} pages)")
    if not any(t.strip() for t in texts):
        raise SkipFile("no text layer (scanned?)")
    return PAGE_BREAK.join(texts) + "\n"
