"""The ``authentication-results`` adapter: believe our own mail servers' RFC 8601 verdicts.

Our border mail servers check SPF, DKIM and DMARC and prepend ``Authentication-Results``
headers named by their authserv-id, above the ``Received`` header that records the hop from
outside. Each later hop prepends its own headers above those, so the verdicts our servers added
are the topmost ones, and anything below them was in the message before it reached us: a sender
can write any of it. The rules (RFC 8601 section 5, RFC 7489 section 3.1):

1. Read the headers from the top. Stop at the first ``Authentication-Results`` that does not
   parse or whose authserv-id (compared without case) is not trusted, and at the first
   ``Received`` below a trusted ``Authentication-Results`` (the hop that brought the message
   to the server that wrote it). Only the trusted headers read until then count.
2. ``dmarc=fail`` for the From domain is final: not verified.
3. Verified by ``dmarc=pass`` whose ``header.from`` is the From domain; else by ``dkim=pass``
   whose ``header.d`` is aligned with the From domain; else by ``spf=pass`` whose
   ``smtp.mailfrom`` domain is aligned (``domains.aligned``: same organisational domain and
   inside the allowed domains).
4. Only a result's method, result and these named properties are read (parsed by the
   ``authres`` package): comments, reasons and other properties never count.

What it cannot see: a forged header above every ``Received`` in a message our server added no
verdict to at all. Border servers must remove incoming headers that carry their own
authserv-id (RFC 8601 section 5), and must always add their verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import authres

from mast_intake.intake.sender_verification.domains import aligned, domain_of
from mast_intake.intake.sender_verification.headers import header_block, single_from_address
from mast_intake.ports.senders import SenderVerdict

_FOLD = re.compile(r"\r?\n[ \t]")
_FEATURES = authres.all_features()


def _parse(value: str) -> authres.AuthenticationResultsHeader | None:
    try:
        return _FEATURES.parse_value(_FOLD.sub(" ", value))
    except (authres.AuthResError, ValueError, IndexError):
        # authres raises its own errors for bad syntax; a malformed header is no evidence.
        return None


def _property(result: authres.AuthenticationResult, kind: str, name: str) -> str:
    for prop in getattr(result, "properties", None) or []:
        if str(prop.type).lower() == kind and str(prop.name).lower() == name:
            return str(prop.value or "")
    return ""


class AuthenticationResultsVerifier:
    """Verified only by a passing, aligned verdict from one of ``trusted_ids``."""

    mode = "authentication-results"

    def __init__(self, trusted_ids: Iterable[str], allowed_domains: list[str]) -> None:
        self._trusted = frozenset(i.strip().lower() for i in trusted_ids if i.strip())
        self._allowed = list(allowed_domains)

    def verify(self, raw: bytes, sender: str) -> SenderVerdict:
        """Apply the module's rules to ``raw``'s headers for the From address ``sender``."""
        headers = header_block(raw)
        if single_from_address(headers) != sender.strip().lower():
            return SenderVerdict(False, "from_unclear")
        results = self.our_results(headers.items())
        if not results:
            return SenderVerdict(False, "no_trusted_results")
        return self._judge(results, domain_of(sender))

    def our_results(self, fields: Iterable[tuple[str, str]]) -> list[authres.AuthenticationResult]:
        """The results our trusted servers added at the top of ``fields`` (rule 1)."""
        results: list[authres.AuthenticationResult] = []
        read_one = False
        for name, value in fields:
            name = name.strip().lower()
            if name == "received" and read_one:
                break
            if name != "authentication-results":
                continue
            header = _parse(str(value))
            if header is None or (header.authserv_id or "").lower() not in self._trusted:
                break
            read_one = True
            results.extend(r for r in header.results if isinstance(r, authres.AuthenticationResult))
        return results

    def _judge(self, results: list[authres.AuthenticationResult], from_domain: str) -> SenderVerdict:
        def passed(method: str) -> list[authres.AuthenticationResult]:
            return [r for r in results if str(r.method).lower() == method
                    and str(r.result).lower() == "pass"]

        for result in results:
            if str(result.method).lower() == "dmarc" and str(result.result).lower() == "fail":
                header_from = _property(result, "header", "from")
                if not header_from or domain_of(header_from) == from_domain:
                    return SenderVerdict(False, "dmarc_fail")
        if any(domain_of(_property(r, "header", "from")) == from_domain for r in passed("dmarc")):
            return SenderVerdict(True, "dmarc_pass")
        if any(aligned(_property(r, "header", "d"), from_domain, self._allowed) for r in passed("dkim")):
            return SenderVerdict(True, "dkim_aligned")
        if any(aligned(domain_of(_property(r, "smtp", "mailfrom")), from_domain, self._allowed)
               for r in passed("spf")):
            return SenderVerdict(True, "spf_aligned")
        return SenderVerdict(False, "not_aligned" if passed("dkim") or passed("spf") else "no_pass")
