"""The bootstrap's exit status in the seed's codes, from doit.

doit exits 1 for any failed task and 2/3 for its own errors, which is not the seed's
meaning (1 partial coverage, 2 failure, 3 missing prerequisite, 77 known limitation).
So DOIT_CONFIG names this reporter. It reports like doit's console reporter and, at the
very end of the run (runner.finish() calls complete_run() after doit has saved its
dependency database), exits with:

    the code of the first failed task: its message starts "[exit N]" (outcome.py);
        a missing file_dep is 3, any other failure 2;
    else, when the summary task took part (ran or was up to date), the code the summary
        recorded in build/summary.json (0, or 1 for partial coverage), after printing
        the summary table, so even a no-op `doit bootstrap` shows the state and the code;
    else doit's own code.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from doit.reporter import ConsoleReporter

from .outcome import code_of

SUMMARY_TASK = "summary"


class BootstrapReporter(ConsoleReporter):
    desc = "console output; exit status in the seed's codes"
    summary_path = "build/summary.json"  # set by graph.doit_config()

    def __init__(self, outstream, options):
        super().__init__(outstream, options)
        self.codes: list[int] = []
        self.summary_seen = False

    def add_failure(self, task, fail):
        super().add_failure(task, fail)
        msg = fail.get_msg() if hasattr(fail, "get_msg") else str(fail)
        code = code_of(msg)
        if code is None:
            code = 3 if "does not exist" in msg else 2
        self.codes.append(code)

    def add_success(self, task):
        super().add_success(task)
        if task.name == SUMMARY_TASK:
            self.summary_seen = True

    def skip_uptodate(self, task):
        super().skip_uptodate(task)
        if task.name == SUMMARY_TASK:
            self.summary_seen = True

    def runtime_error(self, msg):
        super().runtime_error(msg)
        self.codes.append(2)

    def complete_run(self):
        super().complete_run()
        if self.codes:
            code = self.codes[0]
        elif self.summary_seen:
            code = self._summary_code()
        else:
            return
        self.outstream.flush()
        if code:
            raise SystemExit(code)

    def _summary_code(self) -> int:
        from .summary import table
        try:
            data = json.loads(Path(self.summary_path).read_text())
        except (OSError, ValueError):
            return 0
        self.write(table(data) + "\n")
        return int(data.get("exit_code", 0))
