"""snipcheck/rules/theme_owned.py: every problem allowed because the theme or a plugin owns it
has its reason and its upstream report."""

from __future__ import annotations

import re

from snipcheck.rules.theme_owned import THEME_OWNED


def test_every_allowed_rule_has_a_reason_and_an_upstream_report():
    for key, entry in THEME_OWNED.items():
        assert entry["tool"] in ("axe", "vnu"), key
        assert len(entry["reason"]) > 40, key
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+", entry["upstream"]), key
