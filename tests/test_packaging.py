"""minsearch as others get it: the wheel, the Python API, and what importing it costs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
from pathlib import Path

import pytest

from benchmarks.serve_process import ServeProcess

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "whoosh", "flask", "torch", "onnxruntime", "sentence_transformers")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_package_list_names_every_package_and_the_page_files():
    """pyproject lists packages by hand (to map web/ into minsearch.web): a package added under
    minsearch/ and not listed would be missing from the wheel."""
    setup = _pyproject()["tool"]["setuptools"]
    listed = set(setup["packages"])
    on_disk = {
        "minsearch." + ".".join(p.relative_to(ROOT / "minsearch").parts) if p != ROOT / "minsearch" else "minsearch"
        for p in [ROOT / "minsearch", *(ROOT / "minsearch").rglob("*")]
        if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())
    }
    assert setup["package-dir"] == {"minsearch.web": "web"}
    on_disk |= {"minsearch.web", "minsearch.web.templates", "minsearch.web.static"}
    assert listed == on_disk
    assert (ROOT / "web" / "templates" / "search.html").is_file() and (ROOT / "web" / "static" / "style.css").is_file()
    assert (ROOT / "minsearch" / "py.typed").is_file()


def test_the_page_files_are_found_from_a_checkout():
    from minsearch.app.resources import web_folders

    folders = web_folders()
    assert (folders.templates / "search.html").is_file() and (folders.static / "style.css").is_file()


def test_the_default_index_is_in_the_working_directory(tmp_path, monkeypatch):
    from minsearch.config import load_settings

    monkeypatch.delenv("MINSEARCH_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_settings().index_dir == tmp_path / "index"
    monkeypatch.setenv("MINSEARCH_INDEX", str(tmp_path / "elsewhere"))
    assert load_settings().index_dir == tmp_path / "elsewhere"


def test_importing_minsearch_and_its_help_load_nothing_heavy():
    code = (
        "import sys, minsearch\n"
        "from minsearch import __version__\n"
        "import minsearch.app.cli as cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(__version__, [m for m in {HEAVY!r} if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    version, loaded = r.stdout.strip().splitlines()[-1].split(" ", 1)
    assert loaded == "[]"
    assert version[0].isdigit()


def test_the_api_names_are_the_modules_own():
    import minsearch
    from minsearch import config, indexer, model, search

    assert minsearch.Searcher is search.Searcher and minsearch.index_paths is indexer.index_paths
    assert minsearch.Query is model.Query and minsearch.Filters is model.Filters
    assert minsearch.MinsearchError is model.MinsearchError and minsearch.load_settings is config.load_settings
    assert set(minsearch.__all__) == {*minsearch._EXPORTS, "__version__"}
    assert set(minsearch.__all__) <= set(dir(minsearch))
    with pytest.raises(AttributeError, match="no_such_name"):
        minsearch.no_such_name  # noqa: B018


# -- the wheel, installed outside the checkout --------------------------------------------------------
def _run(args: list, env: dict, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [str(a) for a in args], check=False, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r


def _fresh_venv(where: Path) -> Path:
    """A venv that sees this venv's dependencies (torch and the rest, not installed again: CI has
    no network but the package registries) but not its editable minsearch: a ``.pth`` line
    naming this venv's site-packages puts it on sys.path without running the ``.pth`` files there
    (the editable install is one of those)."""
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "_minsearch_test_parent.pth").write_text("".join(p + "\n" for p in parents))
    return venv


@pytest.mark.slow
def test_the_wheel_installs_outside_the_checkout_and_serves_the_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MINSEARCH_INDEX")}
    # Build from a copy of what the wheel is made of, so nothing is written into the checkout.
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    for folder in ("minsearch", "web"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist", "."],
        env,
        src,
        300,
    )
    [wheel] = (tmp_path / "dist").glob("minsearch-*.whl")

    venv = _fresh_venv(tmp_path)
    python, work = venv / "bin" / "python", tmp_path / "work"
    work.mkdir()
    r = subprocess.run(
        [python, "-c", "import minsearch"], check=False, capture_output=True, text=True, env=env, cwd=work, timeout=60
    )
    assert r.returncode != 0, "the new venv sees the checkout's minsearch before the wheel is installed"
    _run([python, "-m", "pip", "install", "-q", "--no-deps", wheel], env, work, 300)
    where = _run(
        [python, "-c", "import minsearch; print(minsearch.__file__, minsearch.__version__)"], env, work, 60
    ).stdout.split()
    assert Path(where[0]).is_relative_to(venv) and where[1] == _pyproject()["project"]["version"]

    # The default index is ./index in the working directory, not in site-packages.
    minsearch = venv / "bin" / "minsearch"
    _run([minsearch, "index", ROOT / "seeds"], env, work, 600)
    assert (work / "index" / "CURRENT").is_file()
    with ServeProcess(
        work / "index", tmp_path / "serve.log", timeout=60, command=[str(minsearch)], cwd=work, env=env
    ) as srv:
        with urllib.request.urlopen(srv.base + "/", timeout=30) as page:
            assert page.status == 200 and "<form" in page.read().decode("utf-8")
        with urllib.request.urlopen(srv.base + "/static/style.css", timeout=30) as css:
            assert css.status == 200
        with urllib.request.urlopen(srv.base + "/api/search?q=dental+checks", timeout=60) as api:
            result = json.load(api)
    assert result["total"] > 0 and result["hits"][0]["source"].startswith("seeds/")
