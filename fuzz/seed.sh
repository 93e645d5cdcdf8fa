#!/bin/sh
# Seeds every target's corpus from libvirt's test documents (not committed: they are read
# from ../shared, or $LIBVIRT_XML_SHARED), domains first as the targets read domains.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${LIBVIRT_XML_SHARED:-$here/../../shared}/corpus/libvirt-11.3.0
for target in read_write check fmt; do
  mkdir -p "$here/corpus/$target"
  tail -n +2 "$corpus/MANIFEST.tsv" | cut -f2 | while read -r f; do
    cp "$corpus/$f" "$here/corpus/$target/$(echo "$f" | tr / _)"
  done
done
