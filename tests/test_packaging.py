"""What an install carries: the embedded models as package data (wheel, sdist, pre-commit's
non-editable install), no torch by default, and one line naming the extra or the missing model
instead of silently different results."""
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
BAD = "zorvanted"  # as in tests/test_hook.py: a non-word the checker flags well above 0.5
NEURAL = "needs the neural extra: pip install 'translation-checker[neural]'"
#: what only an extra may bring in; the default install (and pre-commit's hook env) has none of it
EXTRAS = {"neural": {"torch", "transformers", "sentencepiece"}, "serve": {"fastapi", "uvicorn"},
          "dask": {"distributed"}}


def _copy_sources(dst: Path) -> Path:
    """What a build needs, as the working tree has it now (edits included), away from the shared
    tree: an in-tree build writes build/ and *.egg-info, and a stale build/lib leaks into wheels."""
    dst.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dst / name)
    for d in ("checker", "models"):
        shutil.copytree(ROOT / d, dst / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst


def _pip_wheel(target: str | Path, out: Path, cwd: Path) -> Path:
    """``pip wheel --no-deps``; without build isolation where this venv's setuptools is new enough,
    so that the test needs no index."""
    try:
        isolated = int(importlib.metadata.version("setuptools").split(".")[0]) < 68
    except importlib.metadata.PackageNotFoundError:
        isolated = True
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(target)]
    if not isolated:
        cmd.insert(4, "--no-build-isolation")
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    (whl,) = out.glob("*.whl")
    return whl


def _requires(metadata: str) -> list[tuple[str, str]]:
    """(distribution name, marker) of every Requires-Dist line."""
    out = []
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:"):
            req, _, marker = line.split(":", 1)[1].partition(";")
            out.append((re.match(r"\s*([A-Za-z0-9_.-]+)", req).group(1).lower(), marker.strip()))
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = _copy_sources(tmp / "src")
    return src, _pip_wheel(".", tmp / "dist", src)


def test_wheel_ships_models_and_every_module(wheel):
    src, whl = wheel
    names = set(zipfile.ZipFile(whl).namelist())
    for f in ("detector.json", "ngram/en.npz", "ngram/MODEL_CARD.md", "translation/en-de.npz",
              "translation/README.md", "mlm/config.json", "mlm/model.safetensors", "mlm/training.json"):
        assert f"checker/models/{f}" in names, f
    # everything under models/ (the build scripts too) and every module of the package: the
    # package list in pyproject.toml is explicit, so a new subpackage must not go missing
    want = {f"checker/models/{p.relative_to(src / 'models').as_posix()}" for p in (src / "models").rglob("*")
            if p.is_file()}
    want |= {p.relative_to(src).as_posix() for p in (src / "checker").rglob("*.py")}
    assert want <= names, sorted(want - names)
    assert not [n for n in names if n.startswith("models/")]  # no top-level "models" package


def test_wheel_requires_no_torch_outside_an_extra(wheel):
    _, whl = wheel
    z = zipfile.ZipFile(whl)
    (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
    reqs = _requires(z.read(meta).decode())
    default = {name for name, marker in reqs if "extra" not in marker}
    assert default and not default & set().union(*EXTRAS.values()), sorted(default)
    for extra, dists in EXTRAS.items():
        assert dists <= {name for name, marker in reqs if f'extra == "{extra}"' in marker}, extra
    # the test extra pulls every other extra, so that the CI install runs every test
    assert [m for name, m in reqs if name == "translation-checker" and 'extra == "test"' in m]
    self_ref = [line for line in z.read(meta).decode().splitlines()
                if line.startswith("Requires-Dist: translation-checker[")]
    assert self_ref and all(e in self_ref[0] for e in EXTRAS), self_ref


def test_sdist_builds_a_wheel_with_the_models(wheel, tmp_path):
    src, whl = wheel
    p = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                        "print(b.build_sdist(sys.argv[1]))", str(tmp_path / "sdist")],
                       cwd=src, capture_output=True, text=True, timeout=300)
    if p.returncode != 0 and "No module named 'setuptools'" in p.stderr:
        pytest.skip("setuptools is not installed in this venv")
    assert p.returncode == 0, p.stderr
    (sdist,) = (tmp_path / "sdist").glob("*.tar.gz")
    again = set(zipfile.ZipFile(_pip_wheel(sdist, tmp_path / "dist", tmp_path)).namelist())
    assert {"checker/models/detector.json", "checker/models/ngram/en.npz", "checker/models/translation/en-de.npz",
            "checker/models/mlm/model.safetensors"} <= again
    assert again == set(zipfile.ZipFile(whl).namelist())


def test_loaders_share_one_models_directory():
    from checker.assets import embedded
    from checker.core import EMBEDDED_CONTEXT_MODEL
    from checker.detector import DEFAULT_PATH
    from checker.lm.ngram import DEFAULT_DIR as NGRAM
    from checker.translation import DEFAULT_DIR as TRANSLATION

    root = embedded()
    assert (DEFAULT_PATH, NGRAM, TRANSLATION, EMBEDDED_CONTEXT_MODEL) == (
        root / "detector.json", root / "ngram", root / "translation", root / "mlm")
    assert DEFAULT_PATH.is_file() and (NGRAM / "en.npz").is_file() and (TRANSLATION / "en-de.npz").is_file()
    assert (EMBEDDED_CONTEXT_MODEL / "config.json").is_file()


def test_missing_embedded_detector_is_a_one_line_model_error(tmp_path, capsys, monkeypatch):
    import checker.detector as det
    from checker.errors import ModelError

    # an install without its models: no fallback weights in their place (det:fallback)
    monkeypatch.setattr(det, "DEFAULT_PATH", tmp_path / "gone" / "detector.json")
    with pytest.raises(ModelError) as e:
        det.Detector.load()
    assert e.value.exit_code == 5 and "detector weights are missing" in e.value.message
    f = tmp_path / "a.txt"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    code = main(["check", str(f), "--lang", "en"])
    out, err = capsys.readouterr()
    assert (code, out) == (5, "") and "detector weights are missing" in err and err.count("\n") == 1


def test_detector_path_given_must_exist_and_parse(tmp_path):
    from checker.detector import Detector
    from checker.errors import ModelError

    with pytest.raises(ModelError, match="detector weights not found: .*nope.json"):
        Detector.load(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read detector weights"):
        Detector.load(tmp_path / "bad.json")


def test_neural_options_without_the_extra_name_it(tmp_path, capsys, monkeypatch):
    from checker.core import load_context_model

    # an install without the neural extra: torch cannot be imported, and checker.lm.hf is imported
    # afresh (monkeypatch puts both modules back afterwards)
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "checker.lm.hf", raising=False)
    load_context_model.cache_clear()  # a model loaded by an earlier test would hide the import
    f = tmp_path / "a.txt"
    f.write_text("The union signed the deal.\n", encoding="utf-8")
    for opt, value in (("--context-model", "embedded"), ("--model", "mlm:some/hub-model")):
        code = main(["check", str(f), "--lang", "en", opt, value])
        out, err = capsys.readouterr()
        assert code == 5 and out == "", (opt, err)
        assert err == f"checker: error: {opt} {value} {NEURAL}\n"


# ---------------------------------------------------------------------------------------- pre-commit
def _pip_cache_dir() -> str | None:
    p = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    return (p.stdout.strip() or None) if p.returncode == 0 else None  # None: caching is off


def _dir_size(d: Path) -> int:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_shipped_hook_through_pre_commit_matches_the_editable_install(tmp_path, capsys):
    """The shipped .pre-commit-hooks.yaml (language: python) from a clone of this working tree: what
    users get. pre-commit pip-installs the package (not editable) and its dependencies from the
    index into its own venv; the hook must flag and pass like the development install, with the
    same models (the same signature) and without torch."""
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout: nothing to clone")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1", "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": os.devnull,  # no user hooks, signing or templates
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})
    cache = _pip_cache_dir()  # the user's cache: dependencies download once, not on every run
    if cache:
        env["PIP_CACHE_DIR"] = cache
    # the development install's versions of the direct dependencies (the signature names
    # wordfreq's), plus the project's constraints (the CPU torch, should it ever be pulled again)
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    try:
        reqs = importlib.metadata.requires("translation-checker") or []
    except importlib.metadata.PackageNotFoundError:  # run from the source tree without an install
        reqs = []
    for req in reqs:
        if "extra ==" not in req:
            name = re.match(r"[A-Za-z0-9_.-]+", req).group(0)
            try:
                pins.append(f"{name}=={importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                pass
    (tmp_path / "constraints.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    env["PIP_CONSTRAINT"] = str(tmp_path / "constraints.txt")

    def git(cwd, *a, env=env):
        return subprocess.run(["git", *a], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout

    # the hook repository: this working tree as it is now (tracked, modified and new files), committed;
    # read with the user's git configuration (safe.directory), written without it
    src = tmp_path / "hook-repo"
    src.mkdir()
    for rel in git(ROOT, "ls-files", "-z", "-c", "-o", "--exclude-standard", env=None).split("\0"):
        if rel and (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "working tree")
    rev = git(src, "rev-parse", "HEAD").strip()

    r = tmp_path / "project"
    r.mkdir()
    (r / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {src.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: checker\n", encoding="utf-8")
    doc = r / "article.md"
    doc.write_text(f"# News\n\nThe union had {BAD} the deal.\n\n```\n{BAD}\n```\n", encoding="utf-8")
    git(r, "init", "-q")
    git(r, "add", ".")

    def pre_commit(*a, timeout=120):
        return subprocess.run([sys.executable, "-m", "pre_commit", *a, "--color", "never"],
                              cwd=r, env=env, capture_output=True, text=True, timeout=timeout)

    p = pre_commit("install-hooks", timeout=900)  # the hook environment: a pip install from the index
    assert p.returncode == 0, p.stdout + p.stderr
    p = pre_commit("run", "--all-files")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "article.md:3:15: " in p.stdout and BAD in p.stdout and "article.md:6:" not in p.stdout, p.stdout
    doc.write_text("# News\n\nThe union had signed the deal.\n\n```\nzorvanted\n```\n", encoding="utf-8")
    git(r, "add", ".")
    p = pre_commit("run", "--all-files")
    assert p.returncode == 0 and "Passed" in p.stdout, p.stdout + p.stderr

    (venv,) = (tmp_path / "pc-home").glob("repo*/py_env-*")
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")

    def probe(code):
        p = subprocess.run([str(py), "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return p.stdout.strip()

    assert probe("import importlib.util; print(importlib.util.find_spec('torch'))") == "None"
    assert _dir_size(venv) < 300 * 2**20  # no torch, no CUDA libraries: tens of MB, not gigabytes
    # the models come from the installed package, not from a source tree
    models = Path(probe("from checker.assets import embedded; print(embedded())"))
    assert models.is_relative_to(venv) and (models / "detector.json").is_file(), models

    # the same file, checked by the hook environment and by this (editable) install: the same output
    bad = tmp_path / "bad.txt"
    bad.write_text(f"The union had {BAD} the deal.\nThe the cat sat on the mat.\n", encoding="utf-8")
    argv = ["check", str(bad), "--lang", "en", "--color", "never"]
    p = subprocess.run([str(bindir / "checker"), *argv], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert main(argv) == 0
    assert p.stdout == capsys.readouterr().out
    from checker import Checker

    sig = Checker(lang="en").signature("en")
    assert f"signature: {sig}\n" in p.stdout
    assert "lm:none" not in sig and "det:fallback" not in sig

    # neural options say which extra they need
    p = subprocess.run([str(bindir / "checker"), *argv, "--context-model", "embedded"],
                       cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (p.returncode, p.stderr) == (5, f"checker: error: --context-model embedded {NEURAL}\n")
