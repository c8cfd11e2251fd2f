"""A minimal valid content folder for rule tests; each case mutates it in one place."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Answers need 120-350 words (MLK219); these paragraphs make the sample's long enough.
FILLER_DE = "\n".join(
    ["    Drift zeigt sich schleichend oder plötzlich und trifft Daten wie Modelle."] * 13)
FILLER_EN = "\n".join(
    ["    Drift shows up slowly or suddenly and affects data as well as models."] * 13)

QUESTION = """\
# yaml-language-server: $schema=../schema/question.schema.json
id: sample
category: basics
difficulty: 1
reviewed: 2026-11
tags: [drift]
related: []
de:
  question: Was ist Drift?
  intent: Prüft das Grundverständnis von Drift.
  short_answer: >-
    Im Betrieb verändern sich die Daten oder der Zusammenhang zwischen Eingaben und Ziel,
    und das Modell verliert an Qualität. Ich erkenne es an Verteilungen der Features und
    Vorhersagen und an der Qualität, sobald Labels da sind. Dann entscheide ich, ob ein
    Retraining reicht oder das Modell neu gedacht werden muss, und ich halte die Schwellen
    vorher fest.
  answer: |
    Drift heißt, dass sich die Daten im Betrieb verändern.

""" + FILLER_DE + """

    - erstens
  key_points:
    - Punkt eins
    - Punkt zwei
    - Punkt drei
  follow_ups:
    - question: Wie misst du Drift?
      answer: Mit PSI oder dem KS-Test je Feature.
en:
  question: What is drift?
  intent: Checks the basic understanding of drift.
  short_answer: >-
    In production the data, or the link between inputs and target, changes over time. I
    spot it in feature and prediction distributions, and in quality once labels arrive.
    Then I decide whether retraining is enough or the model needs rethinking, and I agree
    the thresholds before anything fires, so nobody argues about them during an incident.
  answer: |
    Drift means the data changes while the model is in production.

""" + FILLER_EN + """

    - first
  key_points:
    - Point one
    - Point two
    - Point three
  follow_ups:
    - question: How do you measure drift?
      answer: With PSI or the KS test per feature.
sources:
  - title: Example documentation
    url: https://example.org/docs
"""

TABLE = """\
table:
  caption: {de: Vergleich, en: Comparison}
  header:
    de: [A, B]
    en: [A, B]
  rows:
    - de: [x, y]
      en: [x, y]
"""

DIAGRAM = """\
diagram:
  alt: {de: Ein Pfeil, en: An arrow}
  d2: |
    a -> b
  labels:
    a: {de: Anfang, en: Start}
    b: {de: Ende, en: End}
"""


def make(root: Path, question: str = QUESTION) -> Path:
    """Write a one-question content folder (real schemas, categories, tags, ui) to ``root``."""
    content = root / "content"
    (content / "questions").mkdir(parents=True)
    (content / "pages").mkdir()
    shutil.copytree(ROOT / "content" / "schema", content / "schema")
    for name in ("categories.yaml", "tags.yaml", "ui.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "questions" / "sample.yaml").write_text(question, encoding="utf-8")
    (root / "decks").mkdir()
    return content


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")
