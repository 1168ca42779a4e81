# Sourced by run.sh and the benchmarks: the development certificate that encrypts the Data Protection key ring at rest
# (see "Deploying" in README.md). Made once under .data/ by the app itself, so nothing beyond .NET is needed.

KEYRING_CERTIFICATE="$REPO_ROOT/.data/keyring.pfx"

# ensure_keyring_certificate APP_DLL: creates the certificate on first use; exports the setting that names it.
ensure_keyring_certificate() {
  if [ ! -f "$KEYRING_CERTIFICATE" ]; then
    echo "Creating the key ring certificate in .data/keyring.pfx ..."
    dotnet "$1" create-keyring-certificate "$KEYRING_CERTIFICATE"
  fi
  export Studio__KeyRing__CertificatePath="$KEYRING_CERTIFICATE"
}
