"""How a run ended: one ``Status`` per outcome, each with its headline and its fix.

A forked snippet (``snipcheck.run``) and a notebook kernel (``snipcheck.notebooks``) both
report through it, so every outcome, logged warnings included, reads the same wherever the
code ran. A ``Status`` is a string too (``Status.RAISED == "raised"``), so a run's result
stays plain JSON. Only the standard library is used.
"""

from __future__ import annotations

import enum

from snipcheck.layout import refresh_hint


class Status(str, enum.Enum):
    """An outcome: its name, the headline (``{where}`` is the file) and the fix."""

    def __new__(cls, name: str, headline: str = "", fix: str = ""):
        member = str.__new__(cls, name)
        member._value_ = name
        member.headline, member.fix = headline, fix
        return member

    OK = ("ok",)
    RAISED = ("raised", "{where} raised an exception:", "Fix the error at the line named above, then run")
    WARNED = ("warned", "{where} emitted a Python warning:",
              "Snippets must run without warnings (readers would see them). Change the call the warning "
              "names, then run")
    LOGGED = ("logged", "{where} logged a warning:",
              "Snippets must run without logged warnings (readers would see them). Change the call the "
              "warning names, then run")
    NETWORK = ("network", "{where} tried to open a network connection:",
               "Snippets run offline: use data that ships with a package (for example "
               "sklearn.datasets.load_digits) or that the code makes, then run")
    WROTE = ("wrote", "{where} tried to change a file in the repository:",
             "Snippets must never change the repository. Write to a temporary folder "
             "(tempfile.TemporaryDirectory()) instead, then run")
    FORKED = ("forked", "{where} tried to fork its process:",
              "A snippet stays one process (a forked copy would print into the same output, in a "
              "random order). Remove the fork, then run")
    THREAD = ("thread", "{where} finished, but left a thread running:",
              "Join every thread you start (or make it a daemon thread) so the snippet ends, then run")
    OUTPUT = ("output", "{where} printed an output that cannot be recorded:",
              "Only what a reader can read is recorded. Fix what it prints, then run")
    TIMEOUT = ("timeout", "{where} timed out:",
               "Make it faster (fewer epochs, less data) or raise the limit with a "
               "'# snipcheck: timeout=SECONDS' comment, then run")
    CRASHED = ("crashed", "{where} crashed:", "The process died without a Python traceback{stderr}. Then run")

    def explain(self, where: str, detail: str = "", stderr: str = "") -> str:
        """The message a contributor reads: what happened where, the detail, how to fix it."""
        tail = stderr.strip()[-2000:] if self is Status.CRASHED else ""
        fix = self.fix.format(stderr="; see its stderr above" if tail else " and printed nothing to stderr")
        return "\n".join(x for x in (self.headline.format(where=where), detail.rstrip(), tail,
                                     f"{fix}: {refresh_hint(where)}") if x)
