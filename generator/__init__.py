"""MLOps Interview Kit: one bilingual YAML question bank, rendered to a site, Anki decks and PDFs.

Data flows one way: ``content/`` YAML -> :mod:`generator.loader` (positions) ->
:mod:`generator.bank` (validation) -> :class:`generator.model.Bank` -> renderers
(:mod:`generator.site`, :mod:`generator.decks`, :mod:`generator.pdf`), which share
:mod:`generator.markup` and :mod:`generator.diagrams`.
"""

__version__ = "1.0.0"
