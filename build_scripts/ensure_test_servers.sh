#!/usr/bin/env bash
# Before `make test`: the integration tests run against real servers — Request Tracker 5
# (Debian's request-tracker5 + rt5-db-sqlite; tests/peers/request_tracker.py starts a
# private server per test session), PostgreSQL (Debian's postgresql;
# tests/peers/postgres.py starts a private cluster per test session) and Prometheus
# Alertmanager (Debian's prometheus-alertmanager; tests/peers/alertmanager.py starts a
# private one per test session). Install the
# packages when they are missing and we are root on Debian/Ubuntu (about 40 s);
# otherwise say what is missing and carry on: those tests then skip with that reason,
# except on CI (CI set), where they fail.
set -u
[ "$(uname -s)" = Linux ] || exit 0
pkgs="request-tracker5 rt5-db-sqlite postgresql prometheus-alertmanager"
command -v dpkg-query >/dev/null || { echo "make test: not a Debian system; Request Tracker, PostgreSQL and Alertmanager tests will skip" >&2; exit 0; }
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing the integration tests' servers:$missing"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
    echo "make test: could not install$missing; the tests that need them will skip" >&2
  fi
else
  echo "make test: the integration tests need:$missing (sudo apt-get install$missing); they will skip" >&2
fi
exit 0
