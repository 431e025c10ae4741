// A throwaway D-Bus session bus for the tests' real OS keychain (scripts/test.js
// runs the suite on one; keychain-restart.test.ts runs its child on another).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The password of the test keyrings (each lives in its run's own XDG_DATA_HOME). */
export const TEST_KEYRING_PASSWORD = 'tradedesk-test';

/**
 * A throwaway D-Bus session bus whose Secret Service is a gnome-keyring that
 * the bus starts unlocked whenever it is asked for, the first time and again
 * after the daemon dies. gnome-keyring 42 aborts (a GLib error in its session
 * negotiation) when a client disconnects while its OpenSession call is being
 * served, which concurrent clients provoke (seen here: six processes writing
 * and listing entries at once, within seconds). The stock activation file
 * would then start a locked daemon that has no one to prompt, and every later
 * keychain test would fail. Writes the bus configuration in `dir` and returns
 * its file.
 */
export function keyringBusConfig(dir) {
  const services = join(dir, 'services');
  mkdirSync(services);
  const start = join(dir, 'unlocked-keyring.sh');
  // --unlock reads the keyring password from stdin (the test keyring's; it lives in this run's own XDG_DATA_HOME)
  writeFileSync(start, `#!/bin/sh\nprintf %s ${TEST_KEYRING_PASSWORD} | exec gnome-keyring-daemon --foreground --unlock --components=secrets\n`);
  chmodSync(start, 0o755);
  writeFileSync(join(services, 'org.freedesktop.secrets.service'), `[D-BUS Service]\nName=org.freedesktop.secrets\nExec=${start}\n`);
  const config = join(dir, 'session.conf');
  writeFileSync(
    config,
    // the stock session bus's limits (session.conf): dbus-daemon's built-in ones allow 256 connections per user
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>${services}</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
  <limit name="service_start_timeout">120000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_incomplete_connections">10000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_pending_service_starts">10000</limit>
  <limit name="max_names_per_connection">50000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
`,
  );
  return config;
}
