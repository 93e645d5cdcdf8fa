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
# diff reads two documents, split at a NUL: each document with the next (often a variant of it).
mkdir -p "$here/corpus/diff"
prev=
tail -n +2 "$corpus/MANIFEST.tsv" | cut -f2 | while read -r f; do
  if [ -n "$prev" ]; then
    { cat "$corpus/$prev"; printf '\0'; cat "$corpus/$f"; } >"$here/corpus/diff/$(echo "$f" | tr / _)"
  fi
  prev=$f
done
