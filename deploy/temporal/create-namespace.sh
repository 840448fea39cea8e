#!/bin/sh
# Waits for the Temporal server, creates the namespace and registers the engine's search attributes.
# Idempotent: existing ones are left alone.
set -eu
: "${TEMPORAL_ADDRESS:?}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  echo "waiting for Temporal at $TEMPORAL_ADDRESS"
  sleep 2
done

if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention 30d
fi

for attribute in CompanyId CredentialId SyncType; do
  temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" \
    --name "$attribute" --type Keyword 2>/dev/null || echo "search attribute $attribute exists"
done
echo "namespace $NAMESPACE ready"
