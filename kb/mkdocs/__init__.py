"""kb's adapters to MkDocs (and ProperDocs, which runs them unchanged).

Everything that imports MkDocs, Material or Jinja lives here: the plugin, its
option class, the build that swaps the site folder, and `kb serve`'s dirty
rebuilds. The rest of `kb` is a plain library these call.
"""

try:
    import mkdocs  # noqa: F401
except ModuleNotFoundError:  # only ProperDocs, the maintained MkDocs 1.x line, is installed
    # It answers every `mkdocs.*` import from then on (kb's and Material's), so
    # `kb build` and `kb serve` run on it unchanged; see the README's "Renderer".
    import properdocs.replacement  # noqa: F401
