"""`doit auto`: watch the sources of the selected tasks and rebuild them when they change.

A doit command plugin (registered in pyproject.toml as the `doit.COMMAND` entry point
`auto`), built on watchdog. It depends on no detail of our rule set: it works with any
dodo.py whose tasks declare file_dep/targets. One concept per module:

    command.py    the `Auto` doit command: options, the watch loop, Ctrl-C -> exit 130
    interrupt.py  Ctrl-C handling: the first SIGINT stops, never while doit saves its db
    build.py      one build cycle in this process: reload the dodo file, run doit's Run
                  command on the selected tasks, collect what happened (a CycleResult)
    recorder.py   a reporter wrapper that remembers which tasks ran, failed, were up to
                  date, and which task was in flight when a build was interrupted
    tracing.py    records the files the dodo file reads while it loads (its configuration),
                  so editing them reloads the task graph
    watchset.py   what a change must touch to start a cycle: the selected tasks' source
                  file_deps, the files read at load time, new files in their directories
    ignore.py     paths that never start a cycle: editor temp/backup files, VCS
                  directories, doit's database
    coalesce.py   debouncing: a burst of events (an editor's save) becomes one batch
    changes.py    which batched paths really changed since the build that read them, and
                  which tasks ran while their sources changed (they must run again)
    watcher.py    the watchdog observer: directories scheduled, events filtered, batched
    reports.py    reading a CompilationReport JSON (coverage, failed forms) generically
    printer.py    the one short block printed per cycle

Selection: `doit auto TASK...` as with `doit run`; with no task named, the DOIT_CONFIG
key "auto_tasks" (a list of task names) when the dodo file defines it, else
"default_tasks". DOIT_CONFIG may also name "auto_watch" (extra files or directories
whose change reloads the graph) and "auto_report" (the report to summarize; by default
every CompilationReport JSON among the targets of the selected tasks).
"""
