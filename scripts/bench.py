"""`make bench`: parsing, checking and intake throughput beside the bare library floors.

Each figure is measured in its own child process, so its peak memory (max RSS) is its own.
Speed targets are checked here, never in tests: Word parsing at least as fast as python-docx
visiting every table cell's text; PDF within 1.3x of pdfplumber's extract_text on every page.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"


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
    from email.message import EmailMessage

    from mast_intake.bootstrap import bootstrap
    from mast_intake.config.settings import Settings
    from mast_intake.intake.poll import handle_message, recover_unmoved

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder) / "var")
        app = bootstrap(settings)
        inbox = settings.maildir_path / "new"
        inbox.mkdir(parents=True)
        for number in range(messages):
            message = EmailMessage()
            message["From"] = "bench.worker@northyorks.gov.uk"
            message["To"] = settings.mast_address
            message["Subject"] = "tool"
            message["Message-ID"] = f"<bench-{number}@northyorks.gov.uk>"
            message.set_content("attached")
            message.add_attachment(files[number % len(files)], maintype="application",
                                   subtype="octet-stream", filename=f"tool{number}.docx")
            (inbox / f"{number:06d}.bench").write_bytes(bytes(message))
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


def _spawned(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


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
    return _spawned(_measure, job, files, rounds)


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
    args = parser.parse_args()
    docx_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.docx"))]
    pdf_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.pdf"))]
    if not docx_files or not pdf_files:
        print(f"no sample files found in {SAMPLES}", file=sys.stderr)
        return 1
    print(f"Word: {len(docx_files)} files x {args.rounds} rounds")
    floor = measure(_docx_floor, docx_files, args.rounds)
    ours = measure(_docx_parse, docx_files, args.rounds)
    print(_row("python-docx floor (every cell)", floor, None))
    print(_row("mast-intake Word parse", ours, floor))
    checks_rate, checks_peak = _spawned(_checks, docx_files)
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
    rate, median_ms, peak = _spawned(_poll, docx_files, args.messages)
    print(f"  {'poll cycle (parse, check, store, reply)':<34} {rate:8.1f} messages/s   median "
          f"{median_ms:6.1f} ms/message   peak {peak:7.1f} MiB")
    print(f"  {'isolated parse only, same files':<34} {isolated[0]:8.1f} files/s      "
          f"median {1000 / isolated[0]:6.1f} ms/file")
    print(f"  intake overhead: {rate and isolated[0] / rate:5.2f}x the isolated parse time per message")
    print("Web console: 500 children and 2,000 tools in SQLite, served on 127.0.0.1")
    print("\n".join(_spawned(_web_console, docx_files[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
