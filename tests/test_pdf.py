"""The PDF cheat sheets, checked with a real PDF reader (pypdf) and renderer (pdftoppm).

Built once per module from the real content, for any number of questions. While other
writers are still adding content, invalid question files are left out of a temporary copy
(with a warning) so the renderer stays testable; valid content is used as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from generator import caches, markup
from generator import lock as lockfile
from generator.bank import check, load_bank
from generator.build import Context
from generator.diagnostics import ContentError
from generator.model import LANGS, Bank, Table, Text
from generator.pdf import PAPERS, build, file_name, sections
from tests.sample import make

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
# A sheet prints each question's short answer and key points at 8.5 pt: about a quarter of
# a two-column page per question, plus the glossary (about 60 terms a page).
def page_budget(questions: int, terms: int) -> int:
    return questions // 3 + terms // 50 + 2
REVISION = dt.date(2026, 3, 14)
SITE = "https://example.org/kit/"


def load_valid(tmp: Path) -> Bank:
    """The real bank; if content is mid-edit, its valid question files only."""
    try:
        return load_bank(ROOT / "content", check_lock=False)
    except ContentError:
        pass
    copy = tmp / "content"
    shutil.copytree(ROOT / "content", copy)
    for _ in range(20):  # dropping a file can break `related` links in others: repeat
        bank, problems = check(copy, check_lock=False)
        if bank is not None:
            warnings.warn(f"content is invalid; testing the PDF with {len(bank.questions)} "
                          "valid questions only", stacklevel=1)
            return bank
        bad = {Path(p.path).name for p in problems
               if not p.warning and Path(p.path).parent.name == "questions"}
        if not bad:
            raise ContentError(problems)
        for name in bad:
            (copy / "questions" / name).unlink()
    raise AssertionError("could not find a valid subset of the content")


def context() -> Context:
    return Context(ROOT, lockfile.Lock(), REVISION, SITE)


def text_of(path: Path) -> str:
    """All page text, with soft hyphens and every kind of whitespace removed."""
    raw = "".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", raw.replace("\u00ad", ""))


def squeeze(markdown: str) -> str:
    return re.sub(r"\s+", "", markup.plain(markdown))


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return load_valid(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="module")
def sheets(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    with pytest.MonkeyPatch.context() as monkeypatch:  # laid out here, not read back
        keep_layouts_in(monkeypatch, tmp_path_factory.mktemp("kept"))
        return {p.name: p for p in build(bank, out, context())}


def whole(lang: str, paper: str = "a4") -> str:
    return file_name(lang, paper)


def test_one_sheet_per_language_paper_and_category(bank: Bank,
                                                   sheets: dict[str, Path]) -> None:
    expected = {file_name(lang, paper, cat) for lang in LANGS for paper in PAPERS
                for cat in [None, *(c.id for c in bank.categories)]}
    assert set(sheets) == expected
    assert "mlops-kit-de-a4.pdf" in sheets and "mlops-kit-en-letter.pdf" in sheets


def test_page_size(sheets: dict[str, Path]) -> None:
    for name, path in sheets.items():
        width, height = SIZES["letter" if "-letter" in name else "a4"]
        for page in PdfReader(path).pages:
            box = page.mediabox
            assert abs(float(box.width) - width) <= 1 and abs(float(box.height) - height) <= 1, \
                f"{name}: {box.width} x {box.height}"


def test_whole_bank_fits_the_page_budget(bank: Bank, sheets: dict[str, Path]) -> None:
    budget = page_budget(len(bank.questions), len(bank.glossary))
    for lang in LANGS:
        for paper in PAPERS:
            pages = len(PdfReader(sheets[file_name(lang, paper)]).pages)
            assert pages <= budget, f"{file_name(lang, paper)} has {pages} pages"


def test_every_question_title_is_in_its_sheets(bank: Bank, sheets: dict[str, Path]) -> None:
    for lang in LANGS:
        for paper in PAPERS:
            text = text_of(sheets[file_name(lang, paper)])
            for q in bank.questions:
                assert squeeze(q.text[lang].question) in text, (q.id, lang, paper)
        for c in bank.categories:
            text = text_of(sheets[file_name(lang, "a4", c.id)])
            for q in bank.in_category(c.id):
                assert squeeze(q.text[lang].question) in text, (q.id, c.id)


def test_key_points_are_in_but_answers_are_not(bank: Bank, sheets: dict[str, Path]) -> None:
    text = text_of(sheets[whole("en")])
    for q in bank.questions:
        for point in q.text["en"].key_points:
            assert squeeze(point) in text, (q.id, point)
        assert squeeze(q.text["en"].answer)[:80] not in text, q.id


def test_umlauts_survive_text_extraction(bank: Bank, sheets: dict[str, Path]) -> None:
    german = "".join(q.text["de"].question + "".join(q.text["de"].key_points)
                     for q in bank.questions)
    present = {ch for ch in "äöüÄÖÜß" if ch in german}
    if not present:
        pytest.skip("the German content has no umlauts yet")
    text = text_of(sheets[whole("de")])
    assert present <= set(text)


def test_outline_has_a_heading_per_category_with_its_questions(
        bank: Bank, sheets: dict[str, Path]) -> None:
    for lang in LANGS:
        outline = PdfReader(sheets[whole(lang)]).outline
        tops = [o for o in outline if not isinstance(o, list)]
        filled = [c for c in bank.categories if bank.in_category(c.id)]
        glossary = [bank.t("glossary", lang)] if bank.glossary else []
        assert [o.title for o in tops] == [c.title[lang] for c in filled] + glossary
        nested = [o for o in outline if isinstance(o, list)]
        for cat, children in zip(filled, nested, strict=True):
            assert len(children) == len(bank.in_category(cat.id))
            first = bank.in_category(cat.id)[0]
            assert squeeze(first.text[lang].question) in re.sub(r"\s+", "", children[0].title)


def test_document_language_and_date(sheets: dict[str, Path]) -> None:
    for name, path in sheets.items():
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/Lang"] == name.split("-")[2]
        # The content revision, not the time of the build.
        assert reader.metadata is not None
        assert reader.metadata["/CreationDate"].startswith("D:20260314")


def _fonts(resources: DictionaryObject, found: list[tuple[str, bool]]) -> None:
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        for part in font.get("/DescendantFonts", [font]):
            part = part.get_object()
            descriptor = part.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(part.get("/BaseFont")), embedded))
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if "/Resources" in xobject:
            _fonts(xobject["/Resources"], found)


def test_fonts_are_embedded(sheets: dict[str, Path]) -> None:
    for name, path in sheets.items():
        found: list[tuple[str, bool]] = []
        for page in PdfReader(path).pages:
            _fonts(page["/Resources"], found)
        assert found, name
        assert all(embedded for _, embedded in found), (name, found)


def uris(path: Path) -> set[str]:
    found = set()
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                found.add(str(action["/URI"]))
    return found


def test_categories_link_back_to_the_site(bank: Bank, sheets: dict[str, Path]) -> None:
    for lang in LANGS:
        links = uris(sheets[whole(lang)])
        for c in bank.categories:
            url = f"{SITE if lang == 'de' else SITE + 'en/'}categories/{c.id}/"
            if bank.in_category(c.id):
                assert url in links, url
            assert url in uris(sheets[file_name(lang, "a4", c.id)]), url


def test_footer_and_page_numbers(bank: Bank, sheets: dict[str, Path]) -> None:
    """Each section (contents, every category, the glossary) counts its own pages, so a
    category's pages read the same in the whole sheet and in its own."""
    reader = PdfReader(sheets[whole("de")])
    tops = [o for o in reader.outline if not isinstance(o, list)]
    starts = [0] + [reader.get_destination_page_number(o) for o in tops] + [len(reader.pages)]
    for first, end in itertools.pairwise(starts):
        for i in range(first, end):
            text = reader.pages[i].extract_text()
            assert "MLOps Interview Kit · CC BY-SA 4.0" in text
            assert f"Seite {i - first + 1} / {end - first}" in text, (i, text[-80:])
    for c in bank.categories:
        own = PdfReader(sheets[file_name("de", "a4", c.id)])
        assert f"Seite {len(own.pages)} / {len(own.pages)}" in own.pages[-1].extract_text()
        assert c.title["de"] in own.pages[0].extract_text()


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Count Typst's layouts (how many sections each build laid out), with an empty store
    of kept layouts of the test's own."""
    counts: list[int] = []
    real = sections._lay_out_apart  # the only way to Typst (in child processes)

    def counting(missing: dict[str, str]) -> None:
        counts.append(len(missing))
        real(missing)

    monkeypatch.setattr(sections, "_lay_out_apart", counting)
    keep_layouts_in(monkeypatch, tmp_path / "kept")
    return counts


def keep_layouts_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real = caches.cache_dir
    monkeypatch.setattr(caches, "cache_dir",
                        lambda kind: folder if kind == "pdf" else real(kind))


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def section_count(bank: Bank) -> int:
    """Per language: the contents page, every category and the glossary."""
    return 1 + len(bank.categories) + (1 if bank.glossary else 0)


def test_each_section_is_laid_out_once_and_kept(bank: Bank, tmp_path: Path,
                                                laid_out: list[int]) -> None:
    """A build lays out each section of each language once; the next build with the same
    content lays out nothing and writes the same bytes; editing one question lays out its
    category again, in each language, and nothing else."""
    first = {p.name: p.read_bytes() for p in build(bank, folder(tmp_path / "1"), context())}
    assert laid_out == [len(LANGS) * section_count(bank)]
    again = {p.name: p.read_bytes() for p in build(bank, folder(tmp_path / "2"), context())}
    assert laid_out[1:] == [] and again == first
    q = bank.questions[-1]
    text = {lang: dataclasses.replace(t, key_points=(*t.key_points, "Edited.")) for lang, t
            in q.text.items()}
    edited = dataclasses.replace(bank, questions=[*bank.questions[:-1],
                                                  dataclasses.replace(q, text=text)])
    changed = {p.name for p in build(edited, folder(tmp_path / "3"), context())
               if p.read_bytes() != first[p.name]}
    assert laid_out[1:] == [len(LANGS)]
    assert changed == {file_name(lang, paper, cat) for lang in LANGS for paper in PAPERS
                       for cat in (None, q.category)}


def test_a_damaged_kept_layout_is_laid_out_again(bank: Bank, tmp_path: Path,
                                                 laid_out: list[int]) -> None:
    first = {p.name: p.read_bytes() for p in build(bank, folder(tmp_path / "1"), context())}
    kept = sorted((tmp_path / "kept").glob("*.pdf"))
    layouts = [p for p in kept if "." not in p.stem]
    finished = [p for p in kept if p not in layouts]  # each sheet's files, kept too
    assert len(layouts) == len(LANGS) * section_count(bank)
    assert len(finished) == len(first)
    for path in (layouts[0], finished[0]):  # a disk that lost the file's end
        path.write_bytes(path.read_bytes()[:1000])
    again = {p.name: p.read_bytes() for p in build(bank, folder(tmp_path / "2"), context())}
    assert laid_out == [len(LANGS) * section_count(bank), 1] and again == first


def test_the_whole_sheet_is_its_sections(bank: Bank, sheets: dict[str, Path]) -> None:
    """The whole sheet's pages are the contents page, then each category's sheet, then the
    glossary; a Letter sheet is its A4 sheet's drawing in another window."""
    for lang in LANGS:
        a4 = PdfReader(sheets[file_name(lang, "a4")])
        letter = PdfReader(sheets[file_name(lang, "letter")])
        assert len(a4.pages) == len(letter.pages)
        for x, y in zip(a4.pages, letter.pages, strict=True):
            assert x.get_contents().get_data() == y.get_contents().get_data()
        drawn = [p.get_contents().get_data() for p in a4.pages]
        start = 1  # the contents page
        for c in bank.categories:
            own = [p.get_contents().get_data() for p in
                   PdfReader(sheets[file_name(lang, "a4", c.id)]).pages]
            assert drawn[start:start + len(own)] == own, c.id
            start += len(own)
        glossary = bank.t("glossary", lang)
        assert all(glossary in page.extract_text() for page in a4.pages[start:])
        assert start < len(a4.pages) if bank.glossary else start == len(a4.pages)


def test_every_sheet_is_tagged_and_its_tag_tree_whole(bank: Bank,
                                                      sheets: dict[str, Path]) -> None:
    """Each sheet carries a complete tag tree, the merged whole sheets too: one Document
    element; a parent-tree entry for every page and link, and none for nothing; unique
    table-cell IDs that every header reference finds; an element per heading."""
    import pikepdf

    for name, path in sheets.items():
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked, name
            root = pdf.Root.StructTreeRoot
            assert len(root.K) == 1 and root.K[0].S == "/Document", name
            document = root.K[0]
            assert all(kid.P.objgen == document.objgen for kid in document.K
                       if isinstance(kid, pikepdf.Dictionary)), name
            nums = root.ParentTree.Nums
            keys = sorted(int(nums[i]) for i in range(0, len(nums), 2))
            users = sorted([int(page.obj.StructParents) for page in pdf.pages] +
                           [int(a.StructParent) for page in pdf.pages
                            for a in page.obj.get("/Annots", [])])
            assert keys == users == list(range(int(root.ParentTreeNextKey))), name
            pages = {page.objgen for page in pdf.pages}
            kinds: dict[str, int] = {}
            ids: list[bytes] = []
            headers: set[bytes] = set()
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem":
                    kinds[str(obj.S)] = kinds.get(str(obj.S), 0) + 1
                    if "/Pg" in obj:
                        assert obj.Pg.objgen in pages, name
                    if "/ID" in obj:
                        ids.append(bytes(obj.ID))
                    attributes = obj.get("/A")
                    for a in (attributes if isinstance(attributes, pikepdf.Array)
                              else [attributes] if attributes is not None else []):
                        if isinstance(a, pikepdf.Dictionary) and "/Headers" in a:
                            headers |= {bytes(h) for h in a.Headers}
            assert len(ids) == len(set(ids)) and headers <= set(ids), name
            tree = root.IDTree.Names if ids else []
            assert [bytes(tree[i]) for i in range(0, len(tree), 2)] == sorted(ids), name
            if file_name("de", "a4") == name:
                questions = len(bank.questions)
                assert kinds.get("/H2") == questions, kinds
                assert kinds.get("/H1") == len([c for c in bank.categories
                                                if bank.in_category(c.id)]) + 1


def test_same_content_gives_identical_bytes(bank: Bank, sheets: dict[str, Path],
                                            tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    keep_layouts_in(monkeypatch, tmp_path / "kept")  # laid out again, not read back
    again = {p.name: p for p in build(bank, tmp_path, context())}
    for name, path in sheets.items():
        assert path.read_bytes() == again[name].read_bytes(), name


def specials_bank(tmp_path: Path) -> Bank:
    """The one-question sample bank, its texts full of Typst's special characters."""
    bank = load_bank(make(tmp_path), check_lock=False)
    q = bank.questions[0]
    title = "Is `${{ github.sha }}` a #tag, $x$ or @user <script> 2 * 3 _ under?"
    points = ("Tag with ${{ github.sha }} # @user ``x ` y`` [x] ~ \\ 1. ...",
              "Raw <script>alert(1)</script>, a lone ` tick and snake_case_name")
    text = {lang: Text(title, "intent", "short answer", "answer", points) for lang in LANGS}
    table = Table({lang: "Specials" for lang in LANGS}, {lang: ("Key", "Value") for lang in LANGS},
                  ({lang: ("`<b>`", "~50% of #x @ $1") for lang in LANGS},))
    bank.questions = [dataclasses.replace(q, text=text, table=table)]
    return bank


def test_typst_specials_print_literally(tmp_path: Path) -> None:
    build(specials_bank(tmp_path), tmp_path, context())
    pages = PdfReader(tmp_path / whole("en")).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for literal in ("${{ github.sha }}", "#tag", "$x$", "@user", "<script>", "2 * 3 _ under",
                    "# @user x ` y [x] ~ \\ 1. ...", "<script>alert(1)</script>",
                    "a lone ` tick", "snake_case_name", "<b> ~50% of #x @ $1"):
        assert literal in text, literal


def test_a_category_without_questions_still_gets_its_sheets(tmp_path: Path) -> None:
    bank = specials_bank(tmp_path)  # one question; the other categories are empty
    written = {p.name for p in build(bank, tmp_path, context())}
    for c in bank.categories:
        assert file_name("de", "a4", c.id) in written


def test_page_one_renders(sheets: dict[str, Path], pdftoppm: str, tmp_path: Path) -> None:
    """Poppler must render every sheet; the PNGs are what a person looks at."""
    for name, path in sheets.items():
        out = tmp_path / name.removesuffix(".pdf")
        proc = subprocess.run([pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1",
                               "-singlefile", str(path), str(out)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == "", proc.stderr  # poppler warns about broken PDFs
        assert out.with_suffix(".png").stat().st_size > 2000, name


def text_runs(path: Path, pages: int = 4) -> list[tuple[int, float, float, float, str]]:
    """(page, effective size in pt, x mm, y mm, text) of every text run, diagram labels
    included: font size times the scale of the text and placement matrices."""
    runs = []
    for number, page in enumerate(PdfReader(path).pages[:pages]):
        def visit(text, cm, tm, _font, size, number=number):
            if not text.strip():
                return
            a, b, c, d, e, f = (float(v) for v in tm)
            ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
            m = [a * ca + b * cc, a * cb + b * cd, c * ca + d * cc, c * cb + d * cd,
                 e * ca + f * cc + ce, e * cb + f * cd + cf]
            scale = abs(m[0] * m[3] - m[1] * m[2]) ** 0.5
            runs.append((number, size * scale, m[4] / 72 * 25.4, m[5] / 72 * 25.4, text))
        page.extract_text(visitor_text=visit)
    return runs


def test_sheets_print_cleanly(bank: Bank, sheets: dict[str, Path]) -> None:
    """Body at 8.5 pt, nothing under 6 pt (diagram labels included), margins of 12 mm and
    the footer at least 10 mm above the paper's edge; bookmarks and title shown on open."""
    for lang in LANGS:
        for paper in PAPERS:
            path = sheets[file_name(lang, paper)]
            runs = text_runs(path)
            box = PdfReader(path).pages[0].mediabox  # a Letter window may not start at 0
            left, bottom = float(box.left) / 72 * 25.4, float(box.bottom) / 72 * 25.4
            runs = [(n, size, x - left, y - bottom, t) for n, size, x, y, t in runs]
            chars: dict[float, int] = {}
            for _, size, _, _, text in runs:
                chars[round(size, 1)] = chars.get(round(size, 1), 0) + len(text)
            body = max(chars, key=lambda s: chars[s])
            assert body >= 8.5, (path.name, body)
            assert min(size for _, size, *_ in runs) >= 5.95, path.name
            assert min(x for _, _, x, _, _ in runs) >= 11.9, path.name
            assert min(y for _, _, _, y, _ in runs) >= 10.0, path.name
            root = PdfReader(path).trailer["/Root"]
            assert root["/PageMode"] == "/UseOutlines"
            assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_every_diagram_is_captioned_on_its_page(bank: Bank, sheets: dict[str, Path]) -> None:
    """Each diagram has a numbered caption naming its question, on a page where the
    question's title is too."""
    figure = {"de": bank.t("figure", "de"), "en": bank.t("figure", "en")}
    for lang in LANGS:
        pages = [squeeze(p.extract_text()) for p in PdfReader(sheets[whole(lang)]).pages]
        n = 0
        for q in bank.questions:
            if not q.diagram:
                continue
            n += 1
            caption = squeeze(f"{figure[lang]} {n}:")
            hits = [i for i, text in enumerate(pages) if caption in text]
            assert hits, (q.id, caption)
            title = squeeze(q.text[lang].question)[:30]
            assert any(title in pages[i] or (i and title in pages[i - 1]) for i in hits), q.id
