// Package bundle is the format every part of schemareg shares: the compiler
// writes a bundle, the syncer publishes it to etcd, the server reads it back
// from etcd and the site renders it. The package itself knows files, not
// etcd: the layout of a bundle in etcd is package etcdstore's, which only the
// syncer and the server import.
//
// # On disk
//
// A bundle is a directory:
//
//	bundle.json                     the manifest (Manifest), canonical JSON
//	schemas/<id>/<version>.json     canonical bytes of one published version:
//	                                exactly the bytes the server sends
//	schemas/<id>/<version>.arrow    Arrow IPC schema message for that version,
//	                                when the document maps to Arrow
//
// The manifest lists every schema with every version ever published, each
// version with its sha256 digest, the commit that published it, the bump it
// made and the changes against the version before, plus every violation the
// compiler found in the history.
//
// The generation is the sha256 digest of the manifest's canonical JSON with the
// generation and source fields left empty: it covers every schema, version,
// digest and violation, and so every file of the bundle, but not the commit it
// was compiled at. Two compiles of histories with the same schema content give
// the same generation, which is what lets a sync of an unchanged bundle write
// nothing.
//
// Read verifies a bundle before anyone trusts it: the format version, every
// file against its digest and the generation against the manifest.
//
//	b, err := bundle.Read("build/bundle")
//	if err != nil {
//		return err // bundle.ErrCorrupt, bundle.ErrFormat or an I/O error
//	}
//	for _, s := range b.Manifest.Schemas {
//		data := b.Files[bundle.SchemaFile(s.ID, s.Latest)]
//		...
//	}
//
// Write builds the bundle in a temporary directory beside its destination and
// swaps it into place with one rename, so a reader never sees half a bundle.
package bundle
