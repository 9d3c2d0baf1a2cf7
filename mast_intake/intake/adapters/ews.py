"""The mailbox adapter for Exchange Web Services (on-premises Exchange Server), via exchangelib.

Requests made, all to the configured ``ews.service_endpoint`` (never autodiscover):

- once per adapter: ``GetFolder`` on the distinguished folders ``root``, ``inbox`` and, on the first
  move, ``msgfolderroot``;
- ``pending()``: ``FindItem`` on the inbox, ``IdOnly`` shape, sorted by ``item:DateTimeReceived``
  ascending, paged;
- ``fetch(key)``: ``GetItem`` asking for ``item:MimeContent`` only;
- ``move(key, folder)``: ``FindFolder`` (shallow, by display name) under the top of the mailbox
  and then under the inbox, ``CreateFolder`` under the top of the mailbox when neither has it (once
  per folder name per adapter), then ``MoveItem`` to that folder's id.

Minimal permissions, by ``ews.auth``:

- ``ntlm`` / ``basic`` (delegate access): a dedicated service account, not a person's account,
  granted FullAccess on the MAST mailbox only and nothing else, e.g.
  ``Add-MailboxPermission -Identity nymast@... -User svc-mast-intake -AccessRights FullAccess
  -AutoMapping $false``; plus ``Add-ADPermission``/``Add-RecipientPermission`` "Send As" on the
  same mailbox for the mailer. The credentials may also be the MAST mailbox's own account. Keep
  EWS open only for that account where the organisation restricts it
  (``Set-CASMailbox -EwsEnabled $true`` on the mailbox, ``Set-OrganizationConfig
  -EwsApplicationAccessPolicy EnforceAllowList -EwsAllowList`` if used).
- ``oauth`` (app-only, client credentials, impersonation): the application needs the Exchange
  ``full_access_as_app`` application permission, which on its own reaches every mailbox; restrict
  it to the MAST mailbox. On Exchange Server (hybrid modern auth) use a management scope:
  ``New-ManagementScope -Name "MAST mailbox only" -RecipientRestrictionFilter
  "PrimarySmtpAddress -eq 'nymast@...'"`` and ``New-ManagementRoleAssignment -Role
  ApplicationImpersonation -User <service principal> -CustomRecipientWriteScope "MAST mailbox
  only"``. On Exchange Online use RBAC for Applications instead of the tenant-wide grant:
  ``New-ManagementRoleAssignment -App <service id> -Role "Application EWS.AccessAsApp"
  -CustomResourceScope "MAST mailbox only"``.

Keys are ``<ItemId>|<ChangeKey>``; both parts are base64, so ``|`` cannot occur inside them. Only
the ItemId is sent back to the server: the ChangeKey changes whenever anyone modifies the item
(reading it in Outlook, say), and a stale one must not make fetch or move fail. It does mean that
a message changed between two polls comes back under a new key; the intake de-duplicates by
Message-ID, so that only costs a second look.

Library errors become :class:`MailboxError` naming the operation, the server and the error class
(for EWS response errors the class is the response code, e.g. ``ErrorAccessDenied``), raised
``from None`` because exchangelib's messages can quote server responses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from exchangelib import Account, Folder, ItemId
from exchangelib.errors import ErrorFolderExists, ErrorItemNotFound, ErrorToFolderNotFound
from exchangelib.folders import SHALLOW, SingleFolderQuerySet
from exchangelib.properties import FolderId, NewMailEvent
from exchangelib.services import CreateFolder

from mast_intake.config.settings import EwsSettings
from mast_intake.intake.adapters.ews_account import (
    EWS_ERRORS,
    build_account,
    close_account,
    error_name,
    service_endpoint,
)
from mast_intake.ports.mailbox import Mailbox, MailboxError

KEY_SEPARATOR = "|"
PAGE_SIZE = 100
PULL_SECONDS = 5.0  # how often wait_for_mail asks the pull subscription for events
SUBSCRIPTION_MINUTES = 30  # the server ends a pull subscription not asked for this long


def encode_key(item_id: str, changekey: str | None) -> str:
    """One mailbox key from an EWS ItemId and ChangeKey."""
    return f"{item_id}{KEY_SEPARATOR}{changekey or ''}"


def decode_key(key: str) -> tuple[str, str]:
    """The ItemId and ChangeKey in a key made by :func:`encode_key`."""
    item_id, separator, changekey = key.partition(KEY_SEPARATOR)
    if not item_id or not separator:
        raise MailboxError("not an EWS mailbox key")
    return item_id, changekey


class EwsMailbox(Mailbox):
    """The MAST mailbox on an Exchange server, reached through Exchange Web Services.

    ``settings`` gives the endpoint, the mailbox address and the credentials (see
    :mod:`mast_intake.intake.adapters.ews_account`); ``processed_folder`` and
    ``quarantine_folder`` are the folder names the service files handled mail under. ``account``
    lets the mailer and the mailbox share one exchangelib account (tests pass one too). Creating
    the adapter sends nothing; a bad setting raises ``ConfigError`` at once.

    Contract (see :class:`~mast_intake.ports.mailbox.Mailbox`):

    - ``pending()`` lists the whole inbox (every item class: mail, reports, meeting requests)
      oldest first by received time, then yields the keys. The list is read in full before the
      first key is yielded, because moving messages while paging by offset would skip some.
    - ``fetch(key)`` returns the item's MIME content as Exchange gives it: Exchange rebuilds the
      MIME from its store, so it holds every header, body part and attachment but is not always
      byte-identical to what the sender's server sent. A message that has gone raises
      ``MailboxError``.
    - ``move(key, folder)`` moves the item to the folder named ``folder``: an existing folder of
      that name at the top of the mailbox (beside the inbox) or, failing that, inside the inbox;
      otherwise one created at the top of the mailbox. Folder ids are remembered for the life of
      the adapter; if a remembered folder has been deleted the lookup is done again once. An item
      that is no longer there (``ErrorItemNotFound``) is not an error.
    - ``wait_for_mail(timeout)`` keeps a pull subscription to the inbox's NewMailEvents
      (``Subscribe``) and asks for its events (``GetEvents``) every ``PULL_SECONDS`` until one
      reports new mail. A subscription the server has ended is replaced at the next call.
    - ``close()`` closes the HTTP sessions.
    """

    def __init__(
        self,
        settings: EwsSettings,
        processed_folder: str = "Processed",
        quarantine_folder: str = "Quarantine",
        *,
        account: Account | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server = urlsplit(service_endpoint(settings)).hostname or "the EWS server"
        self.account = account or build_account(settings)
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        self._folder_ids: dict[str, FolderId] = {}
        self._sleep = sleep
        self._subscription: tuple[str, str] | None = None  # (subscription id, watermark)

    def _error(self, operation: str, exc: BaseException) -> MailboxError:
        """The MailboxError for a failed operation, with nothing from any message in it."""
        return MailboxError(f"EWS {operation} on {self.server} failed: {error_name(exc)}")

    def pending(self) -> Iterator[str]:
        try:
            query = self.account.inbox.all().order_by("datetime_received").values_list("id", "changekey")
            query.page_size = PAGE_SIZE
            keys = [encode_key(item_id, changekey) for item_id, changekey in query]
        except EWS_ERRORS as exc:
            raise self._error("FindItem", exc) from None
        yield from keys

    def fetch(self, key: str) -> bytes:
        item_id, _ = decode_key(key)
        try:
            items = list(
                self.account.fetch(
                    ids=[ItemId(id=item_id)], folder=self.account.inbox, only_fields=["mime_content"]
                )
            )
            for item in items:
                if isinstance(item, Exception):
                    raise item
        except EWS_ERRORS as exc:
            raise self._error("GetItem", exc) from None
        mime = getattr(items[0], "mime_content", None) if len(items) == 1 else None
        if not mime:
            raise MailboxError(f"EWS GetItem on {self.server} returned no MIME content")
        return mime if isinstance(mime, bytes) else mime.encode("utf-8")

    def move(self, key: str, folder: str) -> None:
        item_id, _ = decode_key(key)
        for attempt in range(2):
            folder_id = self._folder_id(folder)
            try:
                results = self.account.bulk_move(ids=[ItemId(id=item_id)], to_folder=folder_id)
                for result in results:
                    if isinstance(result, Exception):
                        raise result
            except ErrorItemNotFound:
                return  # Already moved (or deleted) by an earlier attempt or by a person.
            except ErrorToFolderNotFound as exc:
                # Someone deleted the folder since we looked it up: find or create it again, once.
                self._folder_ids.pop(folder, None)
                if attempt:
                    raise self._error("MoveItem", exc) from None
                continue
            except EWS_ERRORS as exc:
                raise self._error("MoveItem", exc) from None
            return

    def _folder_id(self, name: str) -> FolderId:
        """The id of the folder called ``name``, found or created, remembered per adapter."""
        if name in self._folder_ids:
            return self._folder_ids[name]
        try:
            top = self.account.msg_folder_root
            found = self._find_child(top, name) or self._find_child(self.account.inbox, name)
            if found is None:
                found = self._create_child(top, name)
        except EWS_ERRORS as exc:
            raise self._error("FindFolder/CreateFolder", exc) from None
        # ToFolderId needs only the Id; a folder's ChangeKey moves on as mail arrives in it.
        self._folder_ids[name] = folder_id = FolderId(id=found.id)
        return folder_id

    def _find_child(self, parent: Folder, name: str) -> Folder | None:
        """The direct child of ``parent`` called ``name`` (one shallow FindFolder), or None."""
        # Asking for the name alone keeps it to FindFolder: the default field set would add a
        # GetFolder for permissions, and ``parent.children`` would load the whole folder tree.
        query = SingleFolderQuerySet(account=self.account, folder=parent).depth(SHALLOW)
        for found in query.only("name").filter(name=name):
            if isinstance(found, Exception):
                raise found
            # Display names are case-insensitive in Exchange, as in the restriction.
            return found
        return None

    def _create_child(self, parent: Folder, name: str) -> Folder:
        """Create a mail folder called ``name`` under ``parent``."""
        new = Folder(parent=parent, name=name, folder_class="IPF.Note")
        try:
            # The service directly, not Folder.save(): save() would load the whole folder tree
            # into exchangelib's cache.
            return CreateFolder(account=self.account).get(parent_folder=parent, folders=[new])
        except ErrorFolderExists:
            # Another worker created it between our FindFolder and CreateFolder.
            found = self._find_child(parent, name)
            if found is None:
                raise
            return found

    def wait_for_mail(self, timeout: float) -> bool | None:
        """Ask the pull subscription for events every PULL_SECONDS; True at the first NewMailEvent."""
        deadline = time.monotonic() + timeout
        while True:
            if self._new_mail():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._sleep(min(PULL_SECONDS, remaining))

    def _new_mail(self) -> bool:
        try:
            if self._subscription is None:
                self._subscription = self.account.inbox.subscribe_to_pull(
                    event_types=[NewMailEvent.ELEMENT_NAME], timeout=SUBSCRIPTION_MINUTES)
            subscription_id, watermark = self._subscription
            arrived = False
            for notification in self.account.inbox.get_events(subscription_id, watermark):
                if isinstance(notification, Exception):
                    raise notification
                for event in notification.events or []:
                    watermark = event.watermark or watermark
                    arrived = arrived or isinstance(event, NewMailEvent)
            self._subscription = (subscription_id, watermark)
            return arrived
        except EWS_ERRORS as exc:
            self._subscription = None  # expired or refused: subscribe again next time
            raise self._error("GetEvents", exc) from None

    def close(self) -> None:
        close_account(self.account)
