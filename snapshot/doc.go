// Package snapshot keeps etcd recoverable: it streams etcd snapshots into a
// Store, checks them and prunes old ones, and restores an etcd data
// directory from a snapshot or, when there is none, from a bundle (Git stays
// authoritative: the bundle compiled from it rebuilds etcd).
//
// A Store keeps each snapshot with its sha256 beside it. There is one file
// per backend: s3.go (S3 and S3-compatible servers, s3://bucket/prefix) and
// file.go (a folder, file:///dir); Open picks one by URL.
//
//	store, err := snapshot.Open(ctx, "s3://backups/schemareg", snapshot.Config{})
//	snap := snapshot.New(cli, store, logger)
//	snap.Keep = 30
//	err = snap.Run(ctx, 24*time.Hour, nil) // nightly
//	...
//	name, err := snapshot.Restore(ctx, store, "latest", snapshot.RestoreOptions{DataDir: "/var/lib/etcd"}, logger)
//
// It imports the syncer only for RestoreBundle, which publishes a bundle
// into a throwaway etcd before it snapshots it.
package snapshot
