"""wasmboot's doit rule set: task generators for the stage bootstrap.

One concept per module:

    config.py       stages/stages.toml -> StagesConfig (validated, one-line errors)
    layout.py       where every artifact of every stage lives under the build directory
    signature.py    what invalidates stage runs besides files: engine fingerprint
                    (wasmtime version, features, interruption), shim code, sandbox, limits
    outcome.py      task actions' failures carry the seed's exit code; timing records
    host.py         running a stage module with the configured runtime (adapter on runtime/)
    lifecycle.py    load / compile / instantiate / start tasks of one stage module
    stage1.py       how build/stage1.wasm is made: stage 0, an existing .wasm, a command
    stage0_driver.py  subprocess entry: stage 0 runs the compiler's entry function
    protocol.py     the compile_all request text and the per-form results format
    modules.py      one compile task per source module per stage
    link.py         the link task joining a stage's module artifacts
    report.py       the CompilationReport of a stage
    fixpoint.py     byte comparison of stage modules, first difference and its section
    summary.py      sizes, coverage, fixpoint status, times; the bootstrap's exit code
    exit_status.py  the doit reporter that makes `doit bootstrap` exit with seed codes
    graph.py        all of the above assembled into doit task creators (used by dodo.py)

The graph and the protocol are described in docs/build.md.
"""
