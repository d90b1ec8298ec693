"""kb's adapters to MkDocs (and ProperDocs, which runs them unchanged).

Everything that imports MkDocs, Material or Jinja lives here: the plugin, its
option class, the build that swaps the site folder, and `kb serve`'s dirty
rebuilds. The rest of `kb` is a plain library these call.
"""
