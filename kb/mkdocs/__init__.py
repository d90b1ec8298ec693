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
    try:
        import properdocs.replacement  # noqa: F401
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "kb builds the site with MkDocs 1.x or ProperDocs and found neither; install "
            "one: pip install 'mkdocs>=1.6,<2' (or: pip install properdocs)") from None
