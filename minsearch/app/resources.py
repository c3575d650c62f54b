"""Where the search page's templates and static files are: one place, for an install and a checkout.

They live in ``web/`` at the top of the repository (``web/templates``, ``web/static``). A wheel
ships that folder inside the package as ``minsearch/web`` (``package-dir`` in ``pyproject.toml``),
so an installed minsearch finds it with :mod:`importlib.resources`, wherever site-packages is.
Run from a source checkout (``PYTHONPATH=.``, or installed editable) there is no
``minsearch/web``: the folder is then the checkout's own ``web/``.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from ..model import MinsearchError


@dataclass(frozen=True)
class WebFolders:
    templates: Path
    static: Path


def web_folders() -> WebFolders:
    """The templates and static folders of the page; a one-line error if they are missing."""
    root = _web_root()
    folders = WebFolders(templates=root / "templates", static=root / "static")
    for folder in (folders.templates, folders.static):
        if not folder.is_dir():
            raise MinsearchError(f"{folder}: the search page's files are missing (reinstall minsearch)")
    return folders


def _web_root() -> Path:
    # ``minsearch.web`` has no __init__.py (web/ holds no code), so it is a namespace package and
    # files() of it is not a folder Flask can use; the folder inside the regular package is.
    installed = Path(str(importlib.resources.files("minsearch"))) / "web"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "web"  # a checkout (or an editable install): web/ beside the package
