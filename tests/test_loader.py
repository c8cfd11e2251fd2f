"""The loader keeps positions, refuses non-data YAML and never raises for bad input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.bank import check
from generator.loader import load
from tests.sample import make


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_positions_of_keys_and_values(tmp_path: Path) -> None:
    doc, problems = load(write(tmp_path, "# c\na: 1\nb:\n  - x\n  - {c: y}\n"))
    assert problems == [] and doc is not None
    assert doc.data == {"a": 1, "b": ["x", {"c": "y"}]}
    assert doc.positions[("a",)] == (2, 4)
    assert doc.key_positions[("b",)] == (3, 1)
    assert doc.positions[("b", 1)] == (5, 5)
    assert doc.positions[("b", 1, "c")] == (5, 9)
    assert doc.locate(("b", 7, "zzz")) == (4, 3)  # nearest existing parent


def test_dates_stay_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    doc, _ = load(write(tmp_path, "d: 2024-01-02\nn: 3\nf: 1.5\nt: true\nz: null\n"))
    assert doc is not None
    assert doc.data == {"d": "2024-01-02", "n": 3, "f": 1.5, "t": True, "z": None}


def test_duplicate_key_reports_both_lines(tmp_path: Path) -> None:
    _, problems = load(write(tmp_path, "a: 1\nb: 2\na: 3\n"))
    assert [(p.code, p.line) for p in problems] == [("MLK002", 3)]
    assert "first at line 1" in problems[0].message


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    doc, problems = load(tmp_path / "nope.yaml")
    assert doc is None and problems[0].code == "MLK010"


yaml_like = st.recursive(
    st.text(alphabet=st.sampled_from([*"ab: -[]{}&*!|>'\"#\n\t%@`,?", "é", "\x00"]),
            max_size=40),
    lambda inner: st.lists(inner, max_size=4).map("\n".join),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=yaml_like)
def test_arbitrary_input_never_raises(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("h") / "x.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    doc, problems = load(path)
    assert doc is not None or problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(text=yaml_like, data=st.binary(max_size=60))
def test_validator_never_raises_on_arbitrary_question_files(tmp_path_factory, text: str,
                                                            data: bytes) -> None:
    root = tmp_path_factory.mktemp("v")
    content = make(root)
    (content / "questions" / "a.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    (content / "questions" / "b.yaml").write_bytes(data)
    bank, problems = check(content, check_lock=False)
    assert bank is None or all(p.warning for p in problems)
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and p.code.startswith("MLK")


def test_validation_imports_no_renderer() -> None:
    """Data flows one way: loader, schema, rules, bank, lock and model never import the
    site, decks or PDF renderers (nor MkDocs, Typst or genanki at import time)."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from generator.bank import check; "
            "check(Path('content'), check_lock=False); "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith(("
            "'generator.site', 'generator.decks', 'generator.pdf', 'mkdocs', 'typst', "
            "'genanki')))))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, check=True).stdout.split()
    assert out == [], out
