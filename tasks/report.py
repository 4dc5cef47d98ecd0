"""stageN:report: the CompilationReport of stage N (runtime/report.py), from the
per-form results of its module compile tasks; stage_version "stageN-<version>",
validated against the seed's schema before it is written (atomically).

Stage 1's report comes from the per-form results its maker wrote (stage 0 or a
command), when it wrote any."""
from __future__ import annotations

from .config import StagesConfig
from .layout import Layout
from .outcome import StepFailed, stage_action
from .protocol import ResultsError, read_results


def module_result(path: str, rows):
    from runtime.report import FormFailure, ModuleResult
    failures = [FormFailure(r.file, r.line, r.column, r.name if r.name != "-" else None,
                            r.reason or "failed") for r in rows if r.status == "failed"]
    count = {s: sum(1 for r in rows if r.status == s) for s in ("compiled", "failed", "skipped")}
    return ModuleResult(path, count["compiled"], count["failed"], len(rows), count["skipped"],
                        failures)


def build(cfg: StagesConfig, n: int, results: list[tuple[str, str]]):
    from runtime.report import CompilationReport
    modules = []
    for source, tsv in results:
        try:
            rows = read_results(tsv)
        except ResultsError as e:
            raise StepFailed(2, str(e)) from None
        except FileNotFoundError:
            raise StepFailed(3, f"{tsv}: no such file") from None
        modules.append(module_result(source, rows))
    return CompilationReport.build(cfg.stage_version(n), modules)




def task(cfg: StagesConfig, layout: Layout, n: int) -> dict:
    out = layout.report(n)
    if n == 1:
        inputs = [layout.stage1_results()]
    else:
        inputs = [layout.results(n, m.name) for m in cfg.sources]

    @stage_action(layout, f"stage{n}:report")
    def report():
        from runtime.report import CompilationReport
        if n == 1:
            try:
                rows = read_results(inputs[0])
            except ResultsError as e:
                raise StepFailed(2, str(e)) from None
            by_file: dict[str, list] = {m.path: [] for m in cfg.sources}
            for r in rows:
                by_file.setdefault(r.file, []).append(r)
            rep = CompilationReport.build(cfg.stage_version(1),
                                          [module_result(f, rs) for f, rs in by_file.items()])
        else:
            rep = build(cfg, n, [(m.path, t) for m, t in zip(cfg.sources, inputs)])
        rep.write(out)
        s = rep.summary
        print(f"{rep.stage_version}: {s.compiled}/{s.total_forms} forms compiled "
              f"({s.coverage_pct}%), {s.failed} failed, {s.skipped} skipped")

    return {"name": "report", "doc": f"write {out} (CompilationReport, {cfg.stage_version(n)})",
            "actions": [report], "file_dep": inputs, "targets": [out]}
