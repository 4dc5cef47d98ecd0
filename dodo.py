"""wasmboot's doit rule set: `doit bootstrap` (the default) runs the whole stage chain.

    doit list                 the tasks, each with a line saying what it does
    doit bootstrap            stage 0 -> stage 1 -> stage 2 -> stage 3 -> fixpoint -> summary
    doit stage2               stage 2 only (and what it needs)
    doit -n 2                 the same, two processes (module compiles run in parallel)
    doit clean                remove what the tasks made

The graph is configured by stages/stages.toml (or the file WASMBOOT_STAGES names); the
task generators live in tasks/ and the graph is described in docs/build.md. Exit codes
follow the seed: 0 success, 1 partial coverage, 2 failure, 3 missing prerequisite,
77 known limitation.
"""
import sys

from tasks import config as _config
from tasks import graph as _graph

try:
    CONFIG = _config.load()
except _config.ConfigError as _e:
    print(f"error: {_e.message}", file=sys.stderr)
    raise SystemExit(_e.code)

DOIT_CONFIG = _graph.doit_config(CONFIG)
globals().update(_graph.creators(CONFIG))
