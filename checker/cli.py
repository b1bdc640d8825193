"""Command line: `checker check`, `checker scan`, `checker eval`, `checker hook`, `checker serve`,
`checker adapt`, `checker models pull`.

Exit codes: 0 success (anomalies found or not), 1 internal error, or for `hook` an anomaly scoring
at or above --fail-at, 2 usage error, 3 bad input
(missing, binary, non-UTF-8 or mismatched files), 4 unsupported language, 5 model not loadable or
an optional extra not installed, 6 output cannot be written (read-only or full disk), 130
interrupted, 141 standard output closed before everything was written (`| head`); `hook` keeps
its own status then, decided before any output.

Text from the input is printed with control characters and bidi overrides escaped (\x1b, \u202e).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Sequence

from .errors import CheckerError, InputError, UsageError, probability
from .io import printable, read_text, silence_stdout, split_lines
from .settings import add_model_options, from_args
from .version import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other usage problem
        raise UsageError(f"{message} (see 'checker {self.prog.split()[-1]} --help')" if " " in self.prog else message)


def _common(p: argparse.ArgumentParser) -> None:
    add_model_options(p)
    p.add_argument("--source", default=None, help="source-language file, line-aligned with the input")
    p.add_argument("--source-lang", default=None, help="language of --source")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="checker", description="Find tokens that do not belong in translated text, and fix them.")
    p.add_argument("--version", action="version", version=f"checker {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log more on stderr (-v: what was loaded and decided, -vv: debug); before the command")
    p.add_argument("-q", "--quiet", action="store_true", help="log errors only (no warnings such as a missing model)")
    sub = p.add_subparsers(dest="cmd", parser_class=_Parser)
    c = sub.add_parser("check", help="check a file for people: flagged sentences, reasons, fixes")
    c.add_argument("file", help="text file, or - for standard input")
    _common(c)
    c.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    s = sub.add_parser("scan", help="check a file line by line for machines (JSONL)")
    s.add_argument("paths", nargs="+", metavar="PATH",
                   help="files or directories (recursive); a plain text file is one segment per line; - is standard input")
    _common(s)
    s.add_argument("--format", choices=("jsonl",), default="jsonl", help="output format")
    s.add_argument("--evidence", action="store_true", help="include each anomaly's raw evidence")
    s.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (output order is unchanged)")
    b = s.add_argument_group("batch runs (several inputs, --out, other layouts)")
    b.add_argument("--out", metavar="DIR", help="write DIR/segments.jsonl, summary.json, report.html; resumable")
    b.add_argument("--input-format", choices=("auto", "text", "jsonl", "tsv", "csv", "wmt"), default="auto",
                   help="auto: by extension (.jsonl .tsv .csv, else text); a directory with system-outputs/ is WMT")
    b.add_argument("--field", action="append", metavar="NAME=COLUMN",
                   help="JSONL key or TSV/CSV column for text, source, reference, id, lang, system, source_lang")
    b.add_argument("--engine", choices=("local", "dask"), default="local", help="where chunks run")
    b.add_argument("--address", help="Dask scheduler address for --engine dask, e.g. tcp://127.0.0.1:8786")
    b.add_argument("--fix-at", type=lambda v: probability("--fix-at", v), default=0.5, help="apply top suggestions scoring at least this for the 'fixed' MT scores")
    b.add_argument("--metrics", default="bleu,chrf,ter",
                   help="sacrebleu metrics for systems with references: any of bleu,chrf,ter, or none")
    b.add_argument("--restart", action="store_true", help="discard a previous run in --out instead of resuming it")
    b.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr (auto: when it is a terminal)")
    sub.add_parser("models", help="manage transformers models: checker models pull NAME", add_help=False)
    e = sub.add_parser("eval", help="score a scan against gold annotations")
    e.add_argument("eval_args", nargs=argparse.REMAINDER, help="see 'python -m checker.evaluate --help'")
    a = sub.add_parser("adapt", help="build a newsroom profile (--profile DIR) from an archive of its own text")
    a.add_argument("files", nargs="+", metavar="FILE", help="archive text files, one sentence or paragraph per line")
    a.add_argument("--lang", required=True, help="language of the archive (a profile is for one language)")
    a.add_argument("--out", required=True, metavar="DIR", help="profile directory to write (created; rebuilt in place)")
    a.add_argument("--min-count", type=int, default=None, metavar="N",
                   help="occurrences a word needs to enter the profile (default 3)")
    a.add_argument("--min-lines", type=int, default=None, metavar="N",
                   help="lines a word must occur on (default 2)")
    from . import hook, server

    hook.add_parser(sub)
    server.add_parser(sub)
    return p


def _checker(args):
    from .core import Checker

    return Checker(**_checker_kwargs(args))


def _settings(args):
    s = getattr(args, "_settings", None)
    if s is None:
        s = args._settings = from_args(args)
    return s


def _sources(args, n: int) -> list[str | None]:
    if not args.source:
        return [None] * n
    src = split_lines(read_text(args.source))
    if len(src) != n:
        raise InputError(f"{args.source}: {len(src)} lines, but {args.file} has {n}; files must be line-aligned")
    return src


def _checker_kwargs(args) -> dict:
    """Checker() arguments from the flags over `.checker.toml`/`[tool.checker]` (checker.settings)."""
    return _settings(args).checker_kwargs()


def _is_batch(args) -> bool:
    one = args.paths[0] if len(args.paths) == 1 else None
    return not (one is not None and (one == "-" or not os.path.isdir(one)) and args.out is None
                and args.input_format in ("auto", "text") and args.engine == "local"
                and (one == "-" or not one.endswith((".jsonl", ".tsv", ".csv")) or args.input_format == "text"))


def _metrics(spec: str) -> tuple[str, ...]:
    names = {"bleu": "BLEU", "chrf": "chrF", "ter": "TER"}
    parts = [p.strip().lower() for p in spec.split(",") if p.strip()]
    if parts == ["none"]:
        return ()
    bad = [p for p in parts if p not in names]
    if bad:
        raise UsageError(f"--metrics: unknown {', '.join(bad)} (bleu, chrf, ter, or none)")
    return tuple(names[p] for p in parts)


def cmd_batch(args) -> int:
    from .batch.runner import BatchOptions, run_batch

    if args.source:
        raise UsageError("--source is for one plain text file; in batch runs give sources in the WMT layout "
                         "or a JSONL/TSV source field")
    if "-" in args.paths:
        raise UsageError("standard input (-) cannot be part of a batch run")
    kwargs = _checker_kwargs(args)
    lang = kwargs.pop("lang")
    from .core import Checker

    Checker(lang=lang, **kwargs)  # validate language, models and allowlist before any work
    opts = BatchOptions(paths=args.paths, out=args.out, fmt=args.input_format, fields=args.field, lang=lang,
                        checker=kwargs, jobs=args.jobs, engine=args.engine, address=args.address,
                        file_context=_settings(args).file_context, fix_at=args.fix_at, restart=args.restart,
                        metrics=_metrics(args.metrics),
                        progress={"auto": None, "always": True, "never": False}[args.progress])
    written, problems = run_batch(opts)
    for p in problems:  # file names and language codes come from the input: printed escaped
        print(f"checker: {'note' if p.skipped_file else 'error'}: {printable(str(p))}", file=sys.stderr)
    if args.out:
        print(f"checker: {written:,} segments checked; results in {args.out}/"
              f"{{segments.jsonl,summary.json,report.html}}", file=sys.stderr)
    return 3 if any(not p.skipped_file for p in problems) else 0


def cmd_scan(args) -> int:
    from .document import word_counts
    from .io import jsonl_record
    from .pipe import Text

    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    if _is_batch(args):
        return cmd_batch(args)
    args.file = args.paths[0]
    lines = split_lines(read_text(args.file))
    chk = _checker(args)  # validates language, model and allowlist before any output
    srcs = _sources(args, len(lines))
    out = sys.stdout
    # each line is an item of Checker.pipe, judged with the whole file's word counts
    items = (Text(line, src, None, args.source_lang) for line, src in zip(lines, srcs))
    context = word_counts(lines) if _settings(args).file_context else "line"
    try:
        for i, rep in enumerate(chk.pipe(items, context=context, n_process=args.jobs, batch_size=64)):
            out.write(jsonl_record({"line": i, "anomalies": [a.to_dict(args.evidence) for a in rep.anomalies]}))
        out.flush()  # here, where a full disk is still one clear line (exit 6)
    except BrokenPipeError:
        raise
    except OSError as e:
        from .batch.runner import stdout_error

        raise stdout_error(e) from None
    if not lines:
        print(f"checker: {printable(args.file)}: empty input, nothing to check", file=sys.stderr)
    return 0


def _colour(on: bool, code: str, s: str) -> str:
    return f"\x1b[{code}m{s}\x1b[0m" if on else s


def cmd_check(args) -> int:
    from .pipe import check_document, line_starts

    text = read_text(args.file)
    if not text.strip():
        print(f"checker: {printable(args.file)}: empty input, nothing to check", file=sys.stderr)
        return 0
    chk = _checker(args)
    lines = split_lines(text)
    srcs = _sources(args, len(lines))
    rep = check_document(chk, text, srcs, args.source_lang, file_context=_settings(args).file_context)
    try:
        _print_check(args, lines, rep, line_starts(text))
        sys.stdout.flush()  # here, where a full disk is still one clear line (exit 6)
    except BrokenPipeError:
        raise
    except OSError as e:
        from .batch.runner import stdout_error

        raise stdout_error(e) from None
    return 0


def _print_check(args, lines: list[str], rep, starts: list[int]) -> None:
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    import bisect

    for a in rep.anomalies:
        i = bisect.bisect_right(starts, a.start) - 1
        line, s, e = lines[i], a.start - starts[i], a.end - starts[i]
        s0 = max(0, line.rfind(". ", 0, s) + 2 if line.rfind(". ", 0, s) >= 0 else 0)
        e0 = line.find(". ", e)
        e0 = len(line) if e0 < 0 else e0 + 1
        shown = printable(a.text)
        mark = _colour(colour, "1;31", shown) if colour else f"[[{shown}]]"
        print(f"{printable(args.file)}:{i + 1}:{s + 1}: {_colour(colour, '1', a.kind)} ({a.score:.2f})")
        print(f"    {printable(line[s0:s])}{mark}{printable(line[e:e0])}")
        print(f"    why: {printable(a.reason)}")
        if a.suggestions:
            sug = ", ".join(f"{printable(repr(x.text))} ({x.score:.2f})" if x.text else f"<delete> ({x.score:.2f})"
                            for x in a.suggestions)
            print(f"    fix: {sug}")
        print()
    total = len(rep.anomalies)
    words = sum(len(l.split()) for l in lines)
    print(f"{total} anomal{'y' if total == 1 else 'ies'} in {len(lines)} lines, {words} words")
    print(f"signature: {rep.signature}")


def cmd_eval(args) -> int:
    from . import evaluate

    return evaluate.main(args.eval_args) or 0


def cmd_models(argv: list[str]) -> int:
    """`checker models pull NAME`: fetch a transformers model for offline use."""
    p = _Parser(prog="checker models", description="Manage transformers models for --model.")
    sub = p.add_subparsers(dest="action", parser_class=_Parser, required=True)
    pl = sub.add_parser("pull", help="download a hub model into the Hugging Face cache (needs network)")
    pl.add_argument("name", help="hub id, e.g. xlm-roberta-base")
    pl.add_argument("--cache-dir", default=None)
    args = p.parse_args(argv)
    from .lm.hf import pull

    print(pull(args.name, args.cache_dir))
    return 0


def cmd_adapt(args) -> int:
    """`checker adapt`: the profile directory of an archive (checker.profile); progress on stderr."""
    from .profile import MIN_COUNT, MIN_LINES, build_profile

    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"checker: {msg}", file=sys.stderr, flush=True)

    m = build_profile(args.lang, args.files, args.out,
                      min_count=MIN_COUNT if args.min_count is None else args.min_count,
                      min_lines=MIN_LINES if args.min_lines is None else args.min_lines, progress=progress)
    print(f"{args.out}: {m['lang']} profile of {m['counts']['entries']:,} words "
          f"from {m['counts']['lines']:,} lines ({m['counts']['words']:,} words)")
    return 0


def cmd_hook(args) -> int:
    from .hook import cmd_hook as run

    return run(args)


def cmd_serve(args) -> int:
    from .server import cmd_serve as run

    return run(args)


class _Stderr(logging.Handler):
    """One line per record on whatever sys.stderr is at the time (not the stream of the moment
    the handler was made), in the CLI's own `checker: level: message` form."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"checker: {record.levelname.lower()}: {printable(record.getMessage())}\n")
        except (OSError, ValueError):
            pass


def setup_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Log records of the `checker.*` loggers as one line each on stderr: warnings by default
    (silent fallbacks, such as a language without an n-gram model, are warnings), -v info,
    -vv debug, -q errors only. Idempotent."""
    log = logging.getLogger("checker")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
    log.setLevel(logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    closed = sys.stdout is None  # started with standard output closed (`>&-`)
    if closed:
        sys.stdout = open(os.devnull, "w")
    try:
        if argv[:1] == ["eval"]:  # its options belong to checker.evaluate
            from . import evaluate

            return evaluate.main(argv[1:]) or 0
        if argv[:1] == ["models"]:
            return cmd_models(argv[1:])
        args = build_parser().parse_args(argv)
        setup_logging(args.verbose, args.quiet)
        if closed and (args.cmd == "check" or (args.cmd == "scan" and not args.out)):
            from .errors import OutputError

            raise OutputError("standard output is closed: nowhere to write the results")
        if not args.cmd:
            build_parser().print_help()
            return 2
        return {"check": cmd_check, "scan": cmd_scan, "eval": cmd_eval, "hook": cmd_hook,
                "serve": cmd_serve, "adapt": cmd_adapt}[args.cmd](args)
    except CheckerError as e:
        print(f"checker: error: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away: what it did not read was not delivered
        silence_stdout()
        return 141
    except Exception as e:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("CHECKER_DEBUG"):
            raise
        print(f"checker: internal error: {type(e).__name__}: {e} (set CHECKER_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
