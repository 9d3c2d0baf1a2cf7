"""Mail domains: who may submit, and DMARC's organisational-domain alignment.

The organisational domain is the registrable domain under the Public Suffix List (RFC 7489
section 3.2), from the ``publicsuffixlist`` package's bundled copy of the list: it is read
from the installed package and never fetched at run time.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    # The bundled list file; PublicSuffixList() with no source never touches the network.
    return PublicSuffixList()


def domain_of(address: str) -> str:
    """The lower-case domain of an address (or of a bare domain), without a trailing dot."""
    return address.rsplit("@", 1)[-1].strip().strip(".").lower()


def organisational_domain(domain: str) -> str:
    """The registrable domain of ``domain`` (``mail.northyorks.gov.uk`` -> ``northyorks.gov.uk``).

    A name that is itself a public suffix (``gov.uk``) is its own organisational domain, so it
    aligns only with itself.
    """
    name = domain_of(domain)
    return _suffixes().privatesuffix(name) or name


def within(domain: str, parent: str) -> bool:
    """True when ``domain`` is ``parent`` or a subdomain of it."""
    domain, parent = domain_of(domain), domain_of(parent)
    return bool(domain) and (domain == parent or domain.endswith("." + parent))


def aligned(authenticated: str, from_domain: str, allowed_domains: list[str]) -> bool:
    """Relaxed DMARC alignment, kept inside the allowed domains.

    True when ``authenticated`` (a DKIM ``d=`` or the SPF MAIL FROM domain) has the same
    organisational domain as ``from_domain`` AND is itself within one of the allowed domains.
    The second condition matters where many organisations share one registrable domain: every
    police force's domain sits under ``pnn.police.uk``, so alignment alone would let another
    force's signature vouch for a North Yorkshire address.
    """
    if not authenticated or not from_domain:
        return False
    if organisational_domain(authenticated) != organisational_domain(from_domain):
        return False
    return any(within(authenticated, allowed) for allowed in allowed_domains)


def sender_in_allowed_domains(sender: str, allowed_domains: list[str]) -> bool:
    """True when the sender's domain is an allowed domain or a subdomain of one."""
    if "@" not in sender:
        return False
    return any(within(domain_of(sender), allowed) for allowed in allowed_domains)
