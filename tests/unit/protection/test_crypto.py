"""AES-GCM sealing with a key ring: round trips, key ids, wrong keys, tampering, key sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mast_intake.config.settings import EncryptionSettings, load_settings
from mast_intake.protection.crypto import (
    AesGcmSealer,
    EncryptionKeyError,
    SealedDataError,
    new_key,
    parse_keys,
    sealer_from_settings,
)

NAME = "Ottilie Fictitia"


def test_text_and_bytes_round_trip_and_hide_the_plain_text(keys: list[str]) -> None:
    sealer = AesGcmSealer(parse_keys(keys))
    sealed = sealer.seal(NAME)
    assert NAME not in sealed and sealer.unseal(sealed) == NAME
    assert sealer.seal(NAME) != sealed  # a fresh nonce every time
    blob = sealer.seal_bytes(NAME.encode())
    assert NAME.encode() not in blob and sealer.unseal_bytes(blob) == NAME.encode()
    assert sealer.unseal(sealer.seal("")) == ""


def test_an_older_key_still_opens_what_it_sealed(keys: list[str]) -> None:
    old = AesGcmSealer(parse_keys(keys[1:]))
    ring = AesGcmSealer(parse_keys(keys))
    assert ring.unseal(old.seal(NAME)) == NAME
    assert ring.unseal_bytes(old.seal_bytes(b"x")) == b"x"
    assert not ring.sealed_by_current(old.seal(NAME)) and ring.sealed_by_current(ring.seal(NAME))


def test_a_missing_key_or_tampering_is_an_error_that_quotes_nothing(keys: list[str]) -> None:
    first, second = AesGcmSealer(parse_keys(keys[:1])), AesGcmSealer(parse_keys(keys[1:]))
    sealed = first.seal(NAME)
    with pytest.raises(SealedDataError, match="not configured") as caught:
        second.unseal(sealed)
    assert NAME not in str(caught.value)
    tampered = sealed[:-6] + ("AAAAAA" if not sealed.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(SealedDataError):
        first.unseal(tampered)
    blob = bytearray(first.seal_bytes(b"data"))
    blob[-1] ^= 1
    with pytest.raises(SealedDataError):
        first.unseal_bytes(bytes(blob))


def test_plain_values_are_refused_unless_rotation_allows_them(sealer: AesGcmSealer) -> None:
    with pytest.raises(SealedDataError):
        sealer.unseal(NAME)
    with pytest.raises(SealedDataError):
        sealer.unseal_bytes(b"From: x")
    assert sealer.with_plain_allowed().unseal(NAME) == NAME


def test_lookup_keys_are_keyed_hashes_one_per_key(keys: list[str]) -> None:
    ring = AesGcmSealer(parse_keys(keys))
    assert ring.lookup_key("ottilie fictitia") == ring.lookup_key("ottilie fictitia")
    assert "ottilie" not in ring.lookup_key("ottilie fictitia")
    assert len(set(ring.lookup_keys("ottilie fictitia"))) == 2
    assert ring.lookup_keys("ottilie fictitia")[0] == ring.lookup_key("ottilie fictitia")


@pytest.mark.parametrize("bad", ["short", "not base64 at all!!", new_key()[:-4]])
def test_malformed_keys_are_named_by_position_only(bad: str) -> None:
    with pytest.raises(EncryptionKeyError, match="key 2") as caught:
        parse_keys([new_key(), bad])
    assert bad not in str(caught.value)


def test_a_repeated_key_is_refused() -> None:
    key = new_key()
    with pytest.raises(EncryptionKeyError, match="twice"):
        parse_keys([key, key])


def _key_file(path: Path, *keys: str, mode: int = 0o600) -> Path:
    path.write_text("# current first\n" + "\n".join(keys) + "\n")
    os.chmod(path, mode)
    return path


def test_keys_come_from_the_environment_and_the_key_file(tmp_path: Path, keys: list[str]) -> None:
    key_file = _key_file(tmp_path / "keys", keys[1])
    settings = load_settings({"MAST_INTAKE_DATA_DIR": str(tmp_path / "var"),
                              "MAST_INTAKE_ENCRYPTION_KEYS": keys[0],
                              "MAST_INTAKE_ENCRYPTION_KEY_FILE": str(key_file)})
    sealer = sealer_from_settings(settings.encryption, settings.data_dir)
    assert sealer is not None and len(sealer.keys) == 2
    assert sealer.current.key_id == parse_keys(keys[:1])[0].key_id
    assert keys[0] not in repr(settings)


def test_key_file_must_be_private_and_outside_the_data_folder(tmp_path: Path, keys: list[str]) -> None:
    data = tmp_path / "var"
    data.mkdir()
    inside = EncryptionSettings(key_file=str(_key_file(data / "keys", keys[0])))
    with pytest.raises(EncryptionKeyError, match="outside the data folder"):
        sealer_from_settings(inside, data)
    loose = EncryptionSettings(key_file=str(_key_file(tmp_path / "keys", keys[0], mode=0o644)))
    with pytest.raises(EncryptionKeyError, match="chmod 600"):
        sealer_from_settings(loose, data)
    with pytest.raises(EncryptionKeyError, match="does not exist"):
        sealer_from_settings(EncryptionSettings(key_file=str(tmp_path / "missing")), data)


def test_no_key_means_plain_storage_unless_encryption_is_required(tmp_path: Path) -> None:
    assert sealer_from_settings(EncryptionSettings(), tmp_path) is None
    with pytest.raises(EncryptionKeyError, match="required"):
        sealer_from_settings(EncryptionSettings(required=True), tmp_path)
