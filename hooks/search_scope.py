"""MkDocs hook: what the site search must not index.

Quiz answers and explanations (``<details class="quiz-answer">``) get Material's
``data-search-exclude``, so a search cannot give away an answer. Only the standard library
and MkDocs are used.
"""

from __future__ import annotations

import re

QUIZ_ANSWER = re.compile(r'<details(?=[^>]*\bclass="[^"]*\bquiz-answer\b)(?![^>]*data-search-exclude)')


def on_page_content(content, page, config, files):
    return QUIZ_ANSWER.sub('<details data-search-exclude=""', content)
