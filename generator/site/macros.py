"""mkdocs-macros variables for the hand-written pages in ``docs/`` (opt-in per page).

Only these pages pass through Jinja; generated content pages never do.
"""

from __future__ import annotations

from generator import __version__


def define_env(env) -> None:
    """Expose the kit's version, counts and this build's downloads to opted-in pages."""
    from generator.site.pages import current

    bank = current["bank"]
    lang = current["lang"]
    env.variables["kit"] = {
        "version": __version__,
        "questions": len(bank.questions),
        "categories": [(c.title[lang], len(bank.in_category(c.id))) for c in bank.categories],
        "t": {key: value[lang] for key, value in bank.ui.items()},
    }

    @env.macro
    def downloads() -> list[dict[str, object]]:
        """This build's decks and PDFs for the current language."""
        return [{"name": d.name, "kind": d.kind} for d in current.get("downloads", [])]
