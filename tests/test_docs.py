"""The documentation's examples run: the README's and the guides' Python blocks, and docstrings.

Each markdown file's ```python blocks run in order, in one fresh namespace, in a
temporary working directory; blocks that are not meant to run carry another tag
(```text, ```bash, ```yaml, ```toml). Docstring examples (``>>>``) of the
package's modules run with :mod:`doctest`. Relative links and images of the
markdown files must point to files (and headings) that exist.
"""

from __future__ import annotations

import doctest
import importlib
import re
import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "ginv_lightning"
MARKDOWN = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def fenced_blocks(path: Path) -> list[tuple[str, int, str]]:
    """(tag, first line of the code, code) of every fenced block of a markdown file."""
    text = path.read_text(encoding="utf-8")
    return [
        (match.group(1), text.count("\n", 0, match.start(2)) + 1, match.group(2))
        for match in FENCE.finditer(text)
    ]


def python_blocks(path: Path) -> list[tuple[int, str]]:
    return [(line, code) for tag, line, code in fenced_blocks(path) if tag == "python"]


def _outside_fences(path: Path) -> str:
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {
        _slug(match.group(1))
        for match in re.finditer(r"^#+\s+(.*)$", _outside_fences(path), re.MULTILINE)
    }


WITH_EXAMPLES = [path for path in MARKDOWN if python_blocks(path)]


def test_the_guides_have_examples() -> None:
    names = {_name(path) for path in WITH_EXAMPLES}
    assert {"README.md", "docs/python_api.md"} <= names


@pytest.mark.parametrize("path", MARKDOWN, ids=_name)
def test_every_fence_says_what_it_holds(path: Path) -> None:
    """An untagged block would be neither run nor obviously illustrative."""
    untagged = [line for tag, line, _ in fenced_blocks(path) if not tag]
    assert not untagged, f"{_name(path)}: fenced blocks without a tag at lines {untagged}"


@pytest.mark.parametrize("path", WITH_EXAMPLES, ids=_name)
def test_markdown_python_blocks_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.chdir(tmp_path)
    module = types.ModuleType("docs_example")  # a real module, so classes defined there work
    monkeypatch.setitem(sys.modules, module.__name__, module)
    torch.manual_seed(0)
    for line, code in python_blocks(path):
        # Pad with blank lines so that tracebacks name the markdown file's own line numbers.
        compiled = compile("\n" * (line - 1) + code, str(path), "exec")
        exec(compiled, module.__dict__)


def test_the_readme_shows_the_main_config_as_shipped() -> None:
    shipped = (REPO / "configs" / "rotdigits_c4.yaml").read_text(encoding="utf-8")
    shown = [code for tag, _, code in fenced_blocks(REPO / "README.md") if tag == "yaml"]
    assert shipped in shown, "README.md's YAML block differs from configs/rotdigits_c4.yaml"


@pytest.mark.parametrize("path", MARKDOWN, ids=_name)
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for target in LINK.findall(_outside_fences(path)):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not checked
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists() or (
            anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)
        ):
            broken.append(target)
    assert not broken, f"{_name(path)}: links to nothing: {broken}"


def _modules_with_examples() -> list[str]:
    names = []
    for file in sorted(PACKAGE.rglob("*.py")):
        if ">>>" in file.read_text(encoding="utf-8"):
            parts = file.relative_to(REPO).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


DOCTEST_MODULES = _modules_with_examples()


def test_docstring_examples_are_found() -> None:
    assert "ginv_lightning.nn.symmetrized" in DOCTEST_MODULES


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    tests = [test for test in doctest.DocTestFinder().find(module) if test.examples]
    assert tests, f"{name} contains '>>>' but doctest finds no example in it"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
