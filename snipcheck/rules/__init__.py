"""The content rules: what a page, a snippet or the built site must hold. Each rule returns
its problems, and each problem names the file and the fix; a test in ``tests/`` calls it and
proves, on a broken copy, that it fails. One module per subject::

    pages        a page's source: code blocks are inclusions, every output paired with its
                 snippet and its recorded-with entry, no raw HTML that runs
    seeds        a snippet that uses Keras or TensorFlow seeds itself (read as code)
    prose        built pages: typed numbers that no run shows, code that no snippet holds
    quiz         quiz keys: one marked option, named by the explanation, equal to the output
    practice     practice problems: complete, and the key agrees with the solution and output
    links        internal links and anchors of the built HTML resolve
    html         the Nu Html Checker (vnu.jar) on the built HTML, its messages as problems
    theme_owned  what the theme or a plugin puts in every build: allowed once, with a reason
"""
