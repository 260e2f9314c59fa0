"""Print the imports between Parvis's apps, as a Markdown list and a Mermaid graph.

Usage (from the repository root):
    PYTHONPATH=src .venv/bin/python scripts/app_imports.py > docs/import-graph.md

It reads the imports with grimp (installed with import-linter, the dev extra), the same graph
`lint-imports` checks (see [tool.importlinter] in pyproject.toml), and folds them by app:
``parvis.groups.services`` importing ``parvis.core.pagecache`` is the arrow groups -> core.
Imports inside functions count (as for the contracts). An arrow from a platform app to a
domain app breaks the layers (docs/architecture.md): it is listed under "Upward imports".
"""

import sys

import grimp

PLATFORM = ("core", "territories", "accounts", "moderation", "notifications", "privacy", "api")
DOMAIN = (
    "organisations",
    "agenda",
    "groups",
    "news",
    "consultations",
    "officials",
    "directory",
    "demo",
)


def app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def app_edges(graph):
    """``{(importer_app, imported_app): [(importer, imported), ...]}`` between two apps."""
    edges = {}
    for importer in sorted(graph.modules):
        source = app_of(importer)
        if source is None or ".migrations" in importer:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            target = app_of(imported)
            if target is None or target == source:
                continue
            edges.setdefault((source, target), []).append((importer, imported))
    return edges


def main(out=sys.stdout):
    graph = grimp.build_graph("parvis")
    edges = app_edges(graph)
    apps = [app for app in PLATFORM + DOMAIN if any(app in pair for pair in edges)]
    others = sorted({app for pair in edges for app in pair} - set(apps))
    apps += others
    upward = {
        pair: lines for pair, lines in edges.items() if pair[0] in PLATFORM and pair[1] in DOMAIN
    }

    print("## Imports between apps\n", file=out)
    print(
        f"{len(edges)} arrows between apps; {len(upward)} run from a platform app up to a "
        "domain app.\n",
        file=out,
    )
    print("| app | layer | imports |", file=out)
    print("| --- | --- | --- |", file=out)
    for app in apps:
        layer = "platform" if app in PLATFORM else "domain" if app in DOMAIN else "other"
        targets = sorted(target for source, target in edges if source == app)
        shown = ", ".join(f"**{t}**" if (app, t) in upward else t for t in targets) or "—"
        print(f"| {app} | {layer} | {shown} |", file=out)

    print("\n## Upward imports (platform -> domain)\n", file=out)
    if not upward:
        print("None.", file=out)
    for (source, target), lines in sorted(upward.items()):
        modules = ", ".join(sorted({f"`{importer}`" for importer, _imported in lines}))
        print(f"- {source} -> {target}: {modules}", file=out)

    print("\n## Graph\n", file=out)
    print("```mermaid", file=out)
    print("flowchart BT", file=out)
    for layer, names in (("domain", DOMAIN), ("platform", PLATFORM)):
        print(f"  subgraph {layer}", file=out)
        for app in names:
            if app in apps:
                print(f"    {app}", file=out)
        print("  end", file=out)
    for source, target in sorted(edges):
        print(f"  {source} --> {target}", file=out)
    upward_indexes = [i for i, pair in enumerate(sorted(edges)) if pair in upward]
    if upward_indexes:
        joined = ",".join(str(i) for i in upward_indexes)
        print(f"  linkStyle {joined} stroke:#c00,stroke-width:2px", file=out)
    print("```", file=out)


if __name__ == "__main__":
    main()
