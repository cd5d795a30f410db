#!/usr/bin/env bash
# The system packages the test suite needs, from Debian: installed when missing (as root), otherwise
# the run stops here, at once, naming them — never a failure deep in the suite.
#   poppler-utils (pdftotext/pdftoppm read the rendered PDFs), qpdf (qpdf --check: the PDF structure), libxml2-utils (xmllint: UBL 2.1 and
#   pain.008 XSDs), chromium (browser tests through playwright-core), and for the real WooCommerce
#   suite (../shared/woocommerce): PHP 8.2 with WordPress' extensions, MariaDB, xz.
set -euo pipefail
PKGS="poppler-utils qpdf libxml2-utils chromium php-cli php-mysql php-xml php-mbstring php-curl php-intl php-zip php-gd mariadb-server mariadb-client xz-utils"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need these Debian packages:$missing" >&2
    echo "Install them (sudo apt-get install$missing) or run the tests as root, which installs them." >&2
    exit 1
  fi
  echo "Installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Keep the package from starting a MariaDB behind our back during the install; we start it below.
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; rm_policy=1; fi
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  [ "${rm_policy:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
# The real WooCommerce keeps its database in the machine's MariaDB (root over the unix socket).
if ! mariadb -uroot -e "SELECT 1" >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "MariaDB is not running (root access over its socket is needed by the real WooCommerce tests)" >&2; exit 1; fi
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do mariadb -uroot -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.5; done
  mariadb -uroot -e "SELECT 1" >/dev/null 2>&1 || { echo "MariaDB did not start" >&2; exit 1; }
fi
if [ "$(id -u)" != 0 ]; then
  echo "The real WooCommerce tests start WordPress with ../shared/woocommerce/start-woocommerce.sh, which needs root" >&2
  exit 1
fi
[ -f ../shared/woocommerce/start-woocommerce.sh ] || { echo "../shared/woocommerce is missing beside the repository (the real WooCommerce tests need it)" >&2; exit 1; }
