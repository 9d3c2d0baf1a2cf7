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


def _checks_and_parse(data: bytes) -> None:
    from mast_intake.parsers.word import parse_docx
    from mast_intake.validation import run_checks

    run_checks(parse_docx(data, "bench.docx", ""))


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
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(job, files, rounds, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _row(name: str, figure: tuple[float, float], floor: tuple[float, float] | None) -> str:
    rate, peak = figure
    line = f"  {name:<34} {rate:8.1f} files/s   peak {peak:7.1f} MiB"
    if floor:
        line += f"   {floor[0] / rate:5.2f}x the floor's time per file"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the files per figure")
    args = parser.parse_args()
    docx_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.docx"))]
    pdf_files = [p.read_bytes() for p in sorted(SAMPLES.glob("*.pdf"))]
    if not docx_files or not pdf_files:
        print(f"no sample files found in {SAMPLES}", file=sys.stderr)
        return 1
    print(f"Word: {len(docx_files)} files x {args.rounds} rounds")
    floor = measure(_docx_floor, docx_files, args.rounds)
    ours = measure(_docx_parse, docx_files, args.rounds)
    checked = measure(_checks_and_parse, docx_files, args.rounds)
    print(_row("python-docx floor (every cell)", floor, None))
    print(_row("mast-intake Word parse", ours, floor))
    print(_row("mast-intake Word parse + checks", checked, floor))
    print(f"  checks add {100 * (ours[0] / checked[0] - 1):.1f}% to Word parse time")
    print(_row("isolated parse (child process)", measure(_isolated, docx_files, args.rounds), floor))
    print(f"PDF: {len(pdf_files)} files x {args.rounds} rounds")
    pdf_floor = measure(_pdf_floor, pdf_files, args.rounds)
    print(_row("pdfplumber floor (extract_text)", pdf_floor, None))
    print(_row("mast-intake PDF parse", measure(_pdf_parse, pdf_files, args.rounds), pdf_floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
