#!/usr/bin/env bash
# Starts a private Dovecot IMAP server on 127.0.0.1 for tests/integration/test_imap_dovecot.py.
#
# Installs dovecot-imapd from Debian's packages when it is missing (needs root), writes its own
# config under MAST_TEST_DOVECOT_DIR and starts `dovecot -c` on it, stopping one this script
# started earlier. It never touches /etc/dovecot or a system Dovecot. Safe to run repeatedly.
#
# Environment (the test fixture reads the same variables, with the same defaults):
#   MAST_TEST_IMAP_PORT      port to listen on, on 127.0.0.1 only   (default 10143)
#   MAST_TEST_IMAP_USER      the one test user                      (default mast-test)
#   MAST_TEST_IMAP_PASSWORD  its password; a test value, not a secret (default fictional-test-password)
#   MAST_TEST_DOVECOT_DIR    config, mail and runtime files         (default /tmp/mast-dovecot)
#
# Plaintext login without TLS is allowed because it listens on the loopback address only.
set -euo pipefail

PORT="${MAST_TEST_IMAP_PORT:-10143}"
TEST_USER="${MAST_TEST_IMAP_USER:-mast-test}"
TEST_PASSWORD="${MAST_TEST_IMAP_PASSWORD:-fictional-test-password}"
DIR="${MAST_TEST_DOVECOT_DIR:-/tmp/mast-dovecot}"
MAIL_OWNER=mast-imap-test
CONF="$DIR/dovecot.conf"

if ! command -v dovecot >/dev/null 2>&1 || ! dpkg -s dovecot-imapd >/dev/null 2>&1; then
    echo "dovecot.sh: installing dovecot-imapd from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the package's own system service from starting: we run a private instance only.
    policy_created=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        policy_created=1
    fi
    apt-get update -q
    apt-get install -y -q --no-install-recommends dovecot-core dovecot-imapd
    if [ -n "$policy_created" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# Mail is owned by an unprivileged system user: Dovecot refuses to run mail processes as root.
if ! getent passwd "$MAIL_OWNER" >/dev/null; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MAIL_OWNER"
fi
MAIL_UID="$(id -u "$MAIL_OWNER")"
MAIL_GID="$(id -g "$MAIL_OWNER")"

# Stop one started earlier, whether with this config or a previous run's.
if [ -f "$CONF" ] && [ -f "$DIR/run/master.pid" ]; then
    dovecot -c "$CONF" stop >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
        [ -f "$DIR/run/master.pid" ] && kill -0 "$(cat "$DIR/run/master.pid")" 2>/dev/null || break
        sleep 0.1
    done
fi

# A fresh mail store each time, so the tests always start from an empty mailbox.
rm -rf "$DIR/mail"
mkdir -p "$DIR/run" "$DIR/mail"
chmod 0755 "$DIR" "$DIR/run"
chown "$MAIL_OWNER:" "$DIR/mail"
chmod 0700 "$DIR/mail"

printf '%s:{PLAIN}%s::::::\n' "$TEST_USER" "$TEST_PASSWORD" > "$DIR/passwd"
chown root:dovecot "$DIR/passwd" 2>/dev/null || true
chmod 0640 "$DIR/passwd"

cat > "$CONF" <<CONF
# Private test instance written by .ci/services/dovecot.sh; nothing here is used in production.
instance_name = mast-test-dovecot
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DIR/mail/%u
mail_uid = $MAIL_UID
mail_gid = $MAIL_GID
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/passwd
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
mkdir -p "$DIR/state"

# Detach its standard streams: a daemon holding our stdout open would hang a caller that pipes it.
dovecot -c "$CONF" </dev/null >>"$DIR/dovecot.log" 2>&1

# Wait until it answers, so the tests that follow never race its start.
for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        echo "dovecot.sh: Dovecot IMAP listening on 127.0.0.1:$PORT (user $TEST_USER, config $CONF, log $DIR/dovecot.log)"
        exit 0
    fi
    sleep 0.1
done
echo "dovecot.sh: Dovecot did not start listening on 127.0.0.1:$PORT; see $DIR/dovecot.log" >&2
tail -n 20 "$DIR/dovecot.log" >&2 || true
exit 1
