"""The mailbox adapter for Microsoft Graph (Exchange Online), app-only.

Requests made, all under ``{graph.endpoint}/users/{graph.mailbox}`` with a Bearer token from the
client credentials grant (see :mod:`mast_intake.intake.adapters.graph_client`):

- ``pending()``: ``GET mailFolders/inbox/messages?$select=id,receivedDateTime&$orderby=
  receivedDateTime asc&$top=50``, then each ``@odata.nextLink`` until there is none;
- ``fetch(id)``: ``GET messages/{id}/$value``, the message's MIME;
- ``move(id, folder)``: the folder id, found once per adapter with ``GET mailFolders?$filter=
  displayName eq '{folder}'`` (the top of the mailbox, beside the inbox), then ``GET
  mailFolders/inbox/childFolders?$filter=...``, and created with ``POST mailFolders`` when
  neither has it; then ``POST messages/{id}/move`` with ``{"destinationId": folder id}``;
- ``wait_for_mail(timeout)``: a delta query on the inbox (``GET mailFolders/inbox/messages/
  delta?$select=id``, then its ``@odata.deltaLink``) every ``DELTA_SECONDS`` until it shows a
  message id not seen before. Graph's change notifications (webhooks) would tell us sooner but
  need a public HTTPS endpoint Microsoft can call, which a council's internal server rarely has.

Minimal permissions: the app registration gets the Microsoft Graph *application* permissions
``Mail.ReadWrite`` (list, read and move messages, create the folders) and ``Mail.Send`` (the
mailer), with admin consent, and nothing else. On their own these reach every mailbox in the
tenant, so restrict them to the MAST mailbox with an Exchange Online application access policy:
put the MAST mailbox in a mail-enabled security group (say ``mast-intake-app-scope@...``) and run
``New-ApplicationAccessPolicy -AppId <client id> -PolicyScopeGroupId mast-intake-app-scope@...
-AccessRight RestrictAccess -Description "MAST Intake: MAST mailbox only"``; check it with
``Test-ApplicationAccessPolicy -Identity <MAST mailbox> -AppId <client id>`` (Granted) and with any
other mailbox (Denied). Microsoft is replacing application access policies with RBAC for
Applications; the equivalent there is a management scope for the mailbox and
``New-ManagementRoleAssignment -App <service id> -Role "Application Mail.ReadWrite"`` and
``"Application Mail.Send"`` with ``-CustomResourceScope`` (then the Entra grants are not needed).
The client secret belongs in the secrets file or the environment, never in the repository.

Keys are Graph message ids, used as they are (URL-quoted in paths). Graph gives a message a new
id when it moves, so a key stays valid until the move, as the port requires. A 404 on move means
the message has gone, unless the message is still there, in which case it was the folder that
went: the folder is looked up again and the move retried once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import requests

from mast_intake.config.settings import GraphSettings
from mast_intake.intake.adapters.graph_client import GraphClient, GraphError
from mast_intake.ports.mailbox import Mailbox, MailboxError

PAGE_SIZE = 50
DELTA_SECONDS = 5.0  # Graph's guidance: no more often than every few seconds per mailbox
NOT_FOUND = frozenset({404})
CONFLICT = frozenset({409})
GONE = frozenset({410})


def odata_string(value: str) -> str:
    """``value`` as an OData string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


class GraphMailbox(Mailbox):
    """The MAST mailbox in Exchange Online, reached through Microsoft Graph with app-only auth.

    ``settings`` gives the tenant, app registration, mailbox and endpoints; ``processed_folder``
    and ``quarantine_folder`` are the folder names handled mail is filed under. ``client`` lets
    the mailer share one Graph client (and its token cache); tests pass one with a fake sleep.
    Creating the adapter sends nothing; a missing setting raises ``ConfigError``.

    Contract (see :class:`~mast_intake.ports.mailbox.Mailbox`):

    - ``pending()`` lists the whole inbox oldest first (``receivedDateTime asc``), following
      ``@odata.nextLink``, reading every page before yielding the first key, because moves made
      while paging by ``$skip`` would make later pages skip messages.
    - ``fetch(key)`` returns the body of ``GET .../messages/{key}/$value``: the MIME Exchange
      Online holds for the message, with its attachments. A message that has gone raises
      ``MailboxError``.
    - ``move(key, folder)`` moves the message to the folder of that display name at the top of
      the mailbox or, failing that, directly inside the inbox; otherwise it creates it at the top.
      A message already gone (404) is not an error.
    - 429 and 503 are retried after ``Retry-After`` (bounded); then, and for any other failure,
      ``MailboxError`` names the operation, host, status and Graph error code only.
    """

    def __init__(
        self,
        settings: GraphSettings,
        processed_folder: str = "Processed",
        quarantine_folder: str = "Quarantine",
        *,
        client: GraphClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client or GraphClient(settings)
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        self._folder_ids: dict[str, str] = {}
        self._sleep = sleep
        self._delta_link: str | None = None
        self._seen: set[str] = set()  # ids in the inbox as the delta query last showed it

    def _request(
        self, operation: str, method: str, url: str, *, allow: frozenset[int] = frozenset(), **kwargs: Any
    ) -> requests.Response | None:
        """One Graph request; None for a status in ``allow``, MailboxError for any other failure."""
        try:
            return self.client.request(operation, method, url, **kwargs)
        except GraphError as exc:
            if exc.status in allow:
                return None
            raise MailboxError(str(exc)) from None

    def _json(self, operation: str, response: requests.Response | None) -> dict[str, Any]:
        """The JSON object in a Graph answer; MailboxError if it is not one."""
        try:
            body = response.json() if response is not None else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise MailboxError(f"Graph {operation} on {self.client.host}: the answer was not a JSON object")
        return body

    def _url(self, path: str) -> str:
        return f"{self.client.mailbox_url}/{path}"

    def pending(self) -> Iterator[str]:
        params: dict[str, str] | None = {
            "$select": "id,receivedDateTime",
            "$orderby": "receivedDateTime asc",
            "$top": str(PAGE_SIZE),
        }
        url: str | None = self._url("mailFolders/inbox/messages")
        keys: list[str] = []
        while url:
            page = self._json("list inbox", self._request("list inbox", "GET", url, params=params))
            for message in page.get("value") or []:
                if not isinstance(message, dict) or not message.get("id"):
                    raise MailboxError(f"Graph list inbox on {self.client.host}: a message without an id")
                keys.append(str(message["id"]))
            # nextLink already carries every query parameter (and the skip token).
            url, params = page.get("@odata.nextLink"), None
        yield from keys

    def fetch(self, key: str) -> bytes:
        response = self._request(
            "get message MIME", "GET", self._url(f"messages/{quote(key, safe='')}/$value")
        )
        assert response is not None  # nothing is allowed to fail quietly here
        return response.content

    def move(self, key: str, folder: str) -> None:
        message = self._url(f"messages/{quote(key, safe='')}")
        for attempt in range(2):
            destination = self._folder_id(folder)
            moved = self._request(
                "move message",
                "POST",
                f"{message}/move",
                allow=NOT_FOUND,
                json={"destinationId": destination},
            )
            if moved is not None:
                return
            # 404 is also Graph's answer for a destination folder someone deleted: only call the
            # move done if the message itself is gone.
            if (
                self._request("check message", "GET", message, allow=NOT_FOUND, params={"$select": "id"})
                is None
            ):
                return
            self._folder_ids.pop(folder, None)
            if attempt:
                raise MailboxError(
                    f"Graph move message on {self.client.host} failed: HTTP 404 for the folder"
                )

    def _folder_id(self, name: str) -> str:
        """The id of the folder called ``name``, found or created, remembered per adapter."""
        if name not in self._folder_ids:
            found = self._find_folder("mailFolders", name) or self._find_folder(
                "mailFolders/inbox/childFolders", name
            )
            self._folder_ids[name] = found or self._create_folder(name)
        return self._folder_ids[name]

    def _find_folder(self, path: str, name: str) -> str | None:
        """The id of the folder called ``name`` in the collection at ``path``, or None."""
        params = {"$filter": f"displayName eq {odata_string(name)}", "$select": "id,displayName"}
        answer = self._json(
            "find folder", self._request("find folder", "GET", self._url(path), params=params)
        )
        folders = answer.get("value") or []
        return str(folders[0]["id"]) if folders else None

    def _create_folder(self, name: str) -> str:
        """Create the folder at the top of the mailbox and return its id."""
        response = self._request(
            "create folder", "POST", self._url("mailFolders"), allow=CONFLICT, json={"displayName": name}
        )
        if response is None:
            # 409 ErrorFolderExists: another worker created it between our lookup and this request.
            found = self._find_folder("mailFolders", name)
            if found is None:
                raise MailboxError(f"Graph create folder on {self.client.host} failed: HTTP 409")
            return found
        created = self._json("create folder", response)
        if not created.get("id"):
            raise MailboxError(f"Graph create folder on {self.client.host}: no folder id in the answer")
        return str(created["id"])

    def wait_for_mail(self, timeout: float) -> bool | None:
        """Query the inbox's changes every DELTA_SECONDS; True at the first id not seen before.

        The first call only learns what is there (the first poll reads it) and then waits.
        """
        deadline = time.monotonic() + timeout
        if self._delta_link is None:
            self._changes()
        while True:
            if self._changes():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._sleep(min(DELTA_SECONDS, remaining))

    def _changes(self) -> bool:
        """Follow the delta query to its next deltaLink; True when a new message id appeared."""
        url: str | None = self._delta_link or self._url("mailFolders/inbox/messages/delta")
        params: dict[str, str] | None = None if self._delta_link else {"$select": "id"}
        first_sync = self._delta_link is None
        arrived = False
        while url:
            response = self._request("inbox changes", "GET", url, params=params, allow=GONE,
                                     headers={"Prefer": f"odata.maxpagesize={PAGE_SIZE}"})
            if response is None:
                # The delta token expired (410): start a new sync, which reports nothing new.
                self._delta_link = None
                self._seen.clear()
                self._changes()
                return False
            page = self._json("inbox changes", response)
            for message in page.get("value") or []:
                key = str(message.get("id") or "") if isinstance(message, dict) else ""
                if not key:
                    continue
                if "@removed" in message:
                    self._seen.discard(key)
                elif key not in self._seen:
                    self._seen.add(key)
                    arrived = True
            if page.get("@odata.deltaLink"):
                self._delta_link = str(page["@odata.deltaLink"])
            url, params = page.get("@odata.nextLink"), None
        return arrived and not first_sync

    def close(self) -> None:
        self.client.close()
