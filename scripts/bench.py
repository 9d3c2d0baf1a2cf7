"""`make bench`: parsing, checking and intake throughput beside the bare library floors.

Each figure is measured in its own child process, so its peak memory (max RSS) is its own.
Speed targets are checked here, never in tests: Word parsing at least as fast as python-docx
visiting every table cell's text; PDF within 1.3x of pdfplumber's extract_text on every page.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import bench_speed
from bench_support import ROOT, SAMPLES, drop_tool_emails, spawned

MAIL_CORPUS = Path(os.environ.get("MAST_SHARED_DIR", SAMPLES.parent)) / "corpus" / "mail"


def _docx_floor(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def _pdf_floor(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _docx_parse(data: bytes) -> None:
    from mast_intake.parsers.word import parse_docx

    parse_docx(data, "bench.docx", "")


def _pdf_parse(data: bytes) -> None:
    from mast_intake.parsers.pdf import parse_pdf

    parse_pdf(data, "bench.pdf", "")


def _isolated(data: bytes) -> None:
    from mast_intake.config.settings import ParseLimits
    from mast_intake.parsers import parse_bytes

    parse_bytes(data, "bench", ParseLimits())


def _checks(files: list[bytes], queue) -> None:
    from mast_intake.parsers.word import parse_docx
    from mast_intake.validation.bench import bench_checks

    records = [parse_docx(data, "bench.docx", "") for data in files]
    result = bench_checks(records)
    queue.put((result["records_per_second"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _poll(files: list[bytes], messages: int, queue) -> None:
    """A poll cycle over ``messages`` queued emails in a Maildir, each timed on its own."""
    import statistics
    import tempfile

    from mast_intake.bootstrap import bootstrap
    from mast_intake.config.settings import Settings
    from mast_intake.intake.poll import handle_message, recover_unmoved

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "var")
        app = bootstrap(settings)
        drop_tool_emails(settings.maildir_path, files, messages)
        context = app.poll_context()
        recover_unmoved(context)
        timings = []
        started = time.perf_counter()
        for key in list(context.mailbox.pending()):
            began = time.perf_counter()
            handle_message(context, key)
            timings.append(time.perf_counter() - began)
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((messages / elapsed, statistics.median(timings) * 1000, peak))


def _corpus_poll(files: list[bytes], tools: int, queue) -> None:
    """Poll cycles over every real-mail corpus file plus ``tools`` tool emails, until the inbox is empty."""
    import tempfile

    from mast_intake.bootstrap import bootstrap
    from mast_intake.config.settings import Settings
    from mast_intake.intake.poll import poll_once

    corpus = [p.read_bytes() for p in sorted(MAIL_CORPUS.rglob("*")) if p.is_file()]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "var")
        app = bootstrap(settings)
        inbox = settings.maildir_path / "new"
        inbox.mkdir(parents=True)
        for number, raw in enumerate(corpus):
            (inbox / f"{number:06d}.corpus").write_bytes(raw)
        drop_tool_emails(settings.maildir_path, files, tools, prefix="tool")
        total = len(corpus) + tools
        started = time.perf_counter()
        cycles = 0
        while any(inbox.iterdir()) and cycles < settings.max_attempts + 1:
            poll_once(app.poll_context())
            cycles += 1
        elapsed = time.perf_counter() - started
        left = sum(1 for _ in inbox.iterdir())
    # The service process only: each sandboxed walk and parse has its own capped child.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((total, total / elapsed, cycles, left, peak))


def corpus_poll_figure(files: list[bytes], tools: int = 100) -> str:
    """The real-mail figure: a poll over the whole mail corpus plus ``tools`` tool emails."""
    if not MAIL_CORPUS.is_dir():
        return f"  no mail corpus at {MAIL_CORPUS}"
    total, rate, cycles, left, peak = spawned(_corpus_poll, files, tools)
    return (f"  {'corpus + tools, until inbox empty':<34} {rate:8.1f} messages/s   {total} messages, "
            f"{cycles} cycles, {left} left   peak {peak:7.1f} MiB (service process)")


def _report(tools: int, queue) -> None:
    """The partnership report over ``tools`` invented tools (encrypted at rest), built and rendered."""
    import random
    import tempfile
    from datetime import date
    from functools import partial

    from mast_intake.protection.crypto import AesGcmSealer, new_key, parse_keys
    from mast_intake.reports.export import to_csv
    from mast_intake.reports.service import build_report
    from mast_intake.storage import make_engine, make_session_factory, migrate
    from mast_intake.storage.unit_of_work import SqlUnitOfWork
    from mast_intake.web.reports import charts_for
    from tests.fixtures.report_data import generate, seed

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/report.db")
        migrate(engine)
        sealer = AesGcmSealer(parse_keys([new_key()]))
        uow = partial(SqlUnitOfWork, make_session_factory(engine), sealer=sealer)
        seed(uow, generate(random.Random(5), tools, date(2026, 1, 1), 365, tools // 3))
        timings = []
        for _ in range(4):
            started = time.perf_counter()
            with uow() as work:
                report = build_report(work, date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 15))
                work.commit()  # as the page does (its audit line); the first run keeps the facts
            to_csv(report)
            charts_for(report)
            timings.append(time.perf_counter() - started)
        engine.dispose()
    queue.put((timings[0], min(timings[1:]), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def bench_report(tools: int = 5000) -> None:
    """Print how long the partnership report takes over ``tools`` tools (target: under 1 s)."""
    first, warm, peak = spawned(_report, tools)
    print(f"Partnership report over {tools} tools (SQLite, encrypted at rest)")
    print(f"  {'build, CSV and charts':<34} {warm:8.3f} s          peak {peak:7.1f} MiB   "
          f"(target: under 1 s)")
    print(f"  {'the first time (opens every record)':<34} {first:8.3f} s")


def _measure(job: Callable[[bytes], None], files: list[bytes], rounds: int, queue) -> None:
    job(files[0])  # warm imports and caches outside the timing
    started = time.perf_counter()
    for _ in range(rounds):
        for data in files:
            job(data)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((rounds * len(files) / elapsed, peak_mb))


def measure(job: Callable[[bytes], None], files: list[bytes], rounds: int) -> tuple[float, float]:
    """Files per second and peak memory (MiB) of ``job`` over ``files``, in a fresh process."""
    return spawned(_measure, job, files, rounds)


def _row(name: str, figure: tuple[float, float], floor: tuple[float, float] | None) -> str:
    rate, peak = figure
    line = f"  {name:<34} {rate:8.1f} files/s   peak {peak:7.1f} MiB"
    if floor:
        line += f"   {floor[0] / rate:5.2f}x the floor's time per file"
    return line


def _web_console(sample: bytes, queue) -> None:
    """The web console's page times and sign-in storm (scripts/bench_web.py), in a fresh process."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_web import web_console_figures

    queue.put(web_console_figures(sample))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="passes over the files per figure")
    parser.add_argument("--messages", type=int, default=1000, help="emails in the poll-cycle figure")
    parser.add_argument("--many", type=int, default=440, help="generated Word tools for `check --json`")
    parser.add_argument("--push-emails", type=int, default=100, help="emails arriving at random (Dovecot)")
    parser.add_argument("--only", choices=["all", "speed"], default="all",
                        help="'speed': only the sandbox, start-up, reply, memory and push figures")
    parser.add_argument("--report-only", action="store_true", help="only the partnership report figure")
    args = parser.parse_args()
    if args.report_only:
        bench_report()
        return 0
    docx_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.docx"))]
    pdf_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.pdf"))]
    if not docx_files or not pdf_files:
        print(f"no sample files found in {SAMPLES}", file=sys.stderr)
        return 1
    if args.only == "speed":
        bench_speed.report(docx_files, args.rounds, args.messages, args.many, args.push_emails)
        return 0
    print(f"Word: {len(docx_files)} files x {args.rounds} rounds")
    floor = measure(_docx_floor, docx_files, args.rounds)
    ours = measure(_docx_parse, docx_files, args.rounds)
    print(_row("python-docx floor (every cell)", floor, None))
    print(_row("mast-intake Word parse", ours, floor))
    checks_rate, checks_peak = spawned(_checks, docx_files)
    print(f"  {'checks (all rules, cold caches)':<34} {checks_rate:8.1f} records/s "
          f"peak {checks_peak:7.1f} MiB")
    print(f"  checks add {100 * ours[0] / checks_rate:.1f}% to Word parse time (target: at most 20%)")
    isolated = measure(_isolated, docx_files, args.rounds)
    print(_row("isolated parse (child process)", isolated, floor))
    print(f"PDF: {len(pdf_files)} files x {args.rounds} rounds")
    pdf_floor = measure(_pdf_floor, pdf_files, args.rounds)
    print(_row("pdfplumber floor (extract_text)", pdf_floor, None))
    print(_row("mast-intake PDF parse", measure(_pdf_parse, pdf_files, args.rounds), pdf_floor))
    print(f"Intake: one poll cycle over {args.messages} emails in a Maildir (each with one Word tool)")
    rate, median_ms, peak = spawned(_poll, docx_files, args.messages)
    print(f"  {'poll cycle (parse, check, store, reply)':<34} {rate:8.1f} messages/s   median "
          f"{median_ms:6.1f} ms/message   peak {peak:7.1f} MiB")
    print(f"  {'isolated parse only, same files':<34} {isolated[0]:8.1f} files/s      "
          f"median {1000 / isolated[0]:6.1f} ms/file")
    print(f"  intake overhead: {rate and isolated[0] / rate:5.2f}x the isolated parse time per message")
    print("Real mail: every file of the mail corpus and 100 tool emails in one Maildir")
    print(corpus_poll_figure(docx_files))
    bench_speed.report(docx_files, args.rounds, args.messages, args.many, args.push_emails)
    bench_report()
    print("Web console: 500 children and 2,000 tools in SQLite, served on 127.0.0.1")
    print("\n".join(spawned(_web_console, docx_files[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
