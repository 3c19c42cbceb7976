package faults

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/snapshot"
)

// TestSnapshotS3Faults takes snapshots of an etcd of about 20 MiB through an
// S3 endpoint that fails: 500s, slow answers, connections reset in the
// middle of an upload, a part stored with a flipped bit, an endpoint that
// fails every part. Transient faults must be retried until the snapshot is
// stored; whatever happens, no object may stay under a snapshot's name
// whose bytes fail its checksum; a snapshot that could not be stored whole
// makes the command fail; and a stored snapshot restores.
func TestSnapshotS3Faults(t *testing.T) {
	skipShort(t)
	etcd, a := snapshotSource(t)
	s3 := startFaultyS3(t)
	env := s3.env(t)
	dotDB := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, snapshot.Suffix) }
	cases := []struct {
		name  string
		rules []*rule
		ok    bool
	}{
		{"Transient500s", []*rule{
			{match: isPut(snapshot.ChecksumSuffix), fault: fail500, times: 2},
			{match: func(r *http.Request) bool { return r.Method == http.MethodPost && dotDB(r) }, fault: fail500, times: 2},
			{match: isPart, fault: fail500, times: 2},
			{match: isGet(snapshot.Suffix), fault: fail500, times: 1},
		}, true},
		{"SlowAnswers", []*rule{{match: isAny, fault: slow, times: -1, delay: 300 * time.Millisecond}}, true},
		{"ResetMidUpload", []*rule{
			{match: isPart, fault: resetMidBody, times: 2},
			{match: isPut(snapshot.ChecksumSuffix), fault: resetMidBody, times: 1},
		}, true},
		{"PartStoredCorrupt", []*rule{{match: isPart, fault: flipBit, times: 1}}, false},
		{"EveryPartFails", []*rule{{match: isPart, fault: fail500, times: -1}}, false},
		{"EveryPartReset", []*rule{{match: isPart, fault: resetMidBody, times: -1}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s3.reset()
			for _, r := range c.rules {
				s3.inject(r)
			}
			stdout, stderr, code := schemareg(t, env, snapshotArgs(etcd, s3, c.name)...)
			t.Logf("faults injected: %v", s3.counts())
			if len(s3.counts()) == 0 {
				t.Fatal("no fault was injected")
			}
			names := checkStore(t, s3, c.name)
			switch {
			case c.ok && (code != 0 || len(names) != 1):
				t.Fatalf("snapshot through transient faults: exit %d, stored %v\n%s%s", code, names, stdout, stderr)
			case !c.ok && code == 0:
				t.Fatalf("snapshot through a broken endpoint succeeded: %v\n%s", names, stdout)
			case !c.ok && len(names) != 0:
				t.Fatalf("a failed snapshot left %v", names)
			case !c.ok && len(s3.keys(t, c.name+"/")) != 0:
				t.Errorf("a failed snapshot left objects: %v", s3.keys(t, c.name+"/"))
			}
		})
	}

	t.Run("RestoresFromTransientFaults", func(t *testing.T) {
		s3.reset()
		s3.inject(&rule{match: isGet(snapshot.Suffix), fault: fail500, times: 2})
		s3.inject(&rule{match: isGet(snapshot.ChecksumSuffix), fault: resetMidBody, times: 1})
		data, peer := filepath.Join(t.TempDir(), "data"), freePeer(t)
		mustRun(t, env, restoreArgs(s3, "Transient500s", data, peer)...)
		checkRestored(t, data, peer, a)
	})
}

// TestRestoreRefusesBadSnapshots restores snapshots that went bad in the
// store: truncated, a bit flipped, the same with the checksum object
// rewritten to match, and a download cut in the middle. Each restore must
// fail and leave the data folder as it was (absent); then the good
// snapshot restores.
func TestRestoreRefusesBadSnapshots(t *testing.T) {
	skipShort(t)
	etcd, a := snapshotSource(t)
	s3 := startFaultyS3(t)
	env := s3.env(t)
	const prefix = "good"
	mustRun(t, env, snapshotArgs(etcd, s3, prefix)...)
	names := checkStore(t, s3, prefix)
	if len(names) != 1 {
		t.Fatalf("stored %v", names)
	}
	key := prefix + "/" + names[0]
	good, _ := s3.object(t, key)
	goodSum, _ := s3.object(t, key+snapshot.ChecksumSuffix)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/3] ^= 0x01
	sumOf := func(data []byte) []byte {
		h := sha256.Sum256(data)
		return []byte(hex.EncodeToString(h[:]) + "  " + names[0] + "\n")
	}
	cases := []struct {
		name     string
		data     []byte
		sum      []byte
		cut      bool
		contains string
	}{
		{"Truncated", good[:len(good)/2], goodSum, false, "checksum"},
		{"BitFlipped", flipped, goodSum, false, "checksum"},
		{"TruncatedChecksumRewritten", good[:len(good)/2], sumOf(good[:len(good)/2]), false, "integrity hash"},
		{"BitFlippedChecksumRewritten", flipped, sumOf(flipped), false, "integrity hash"},
		{"DownloadCut", good, goodSum, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s3.reset()
			s3.putObject(t, key, c.data)
			s3.putObject(t, key+snapshot.ChecksumSuffix, c.sum)
			if c.cut {
				s3.inject(&rule{match: isGet(snapshot.Suffix), fault: cutResponse, times: -1})
			}
			data, peer := filepath.Join(t.TempDir(), "data"), freePeer(t)
			stdout, stderr, code := schemareg(t, env, restoreArgs(s3, prefix, data, peer)...)
			if code == 0 {
				t.Fatalf("restore of a bad snapshot succeeded:\n%s", stdout)
			}
			if !strings.Contains(stderr, c.contains) {
				t.Errorf("restore refused with %q, want it to say %q", strings.TrimSpace(stderr), c.contains)
			}
			t.Logf("refused: %s", strings.TrimSpace(stderr))
			emptyOrAbsent(t, data)
		})
	}

	s3.reset()
	s3.putObject(t, key, good)
	s3.putObject(t, key+snapshot.ChecksumSuffix, goodSum)
	data, peer := filepath.Join(t.TempDir(), "data"), freePeer(t)
	mustRun(t, env, restoreArgs(s3, prefix, data, peer)...)
	checkRestored(t, data, peer, a)
}

// TestSnapshotAndRestoreKilled SIGKILLs "schemareg snapshot" at random
// moments of its upload through a slow S3 endpoint, and "schemareg restore"
// at random moments of its download and restore: 8 kills of each (80 with
// -faults.long). After a killed snapshot every snapshot the store lists
// must pass its checksum and the ones stored before keep their bytes;
// after a killed restore the data folder must hold no etcd data, or a
// whole restore that etcd starts from; and the next snapshot, and the next
// restore into the same folder, must succeed.
func TestSnapshotAndRestoreKilled(t *testing.T) {
	skipShort(t)
	rnd := newRand(t)
	etcd, a := snapshotSource(t)
	cli := etcdtest.NewClient(t, etcd)
	s3 := startFaultyS3(t)
	env := s3.env(t)
	const prefix = "killed"
	s3.inject(&rule{match: isAny, fault: slow, times: -1, delay: 50 * time.Millisecond})

	p := start(t, env, snapshotArgs(etcd, s3, prefix)...)
	if code := p.Wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, p.Output())
	}
	snapshotTook := p.Took()
	window := newKillWindow(snapshotTook)
	known := map[string]string{}
	checkStoreKnown(t, s3, prefix, known)
	outcome := map[string]int{}
	for kills := rounds(8); kills > 0; {
		// A new revision: the next snapshot has a name of its own.
		if _, err := cli.Put(t.Context(), "/faults/tick", time.Now().String()); err != nil {
			t.Fatal(err)
		}
		p := start(t, env, snapshotArgs(etcd, s3, prefix)...)
		sleepOrExit(p, window.draw(rnd))
		if !p.Kill() {
			window.shorten(p.Took())
			outcome["snapshot finished before the kill"]++
		} else {
			window.widen()
			outcome["snapshot killed"]++
			kills--
		}
		checkStoreKnown(t, s3, prefix, known)
	}
	mustRun(t, env, snapshotArgs(etcd, s3, prefix)...)
	if len(checkStoreKnown(t, s3, prefix, known)) < 2 {
		t.Fatal("no snapshot stored after the kills")
	}

	s3.reset()
	peer := freePeer(t)
	data := filepath.Join(t.TempDir(), "data")
	p = start(t, env, restoreArgs(s3, prefix, data, peer)...)
	if code := p.Wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, p.Output())
	}
	restoreTook := p.Took()
	window = newKillWindow(restoreTook)
	for kills := rounds(8); kills > 0; {
		data := filepath.Join(t.TempDir(), "data")
		p := start(t, env, restoreArgs(s3, prefix, data, peer)...)
		sleepOrExit(p, window.draw(rnd))
		if !p.Kill() {
			window.shorten(p.Took())
			outcome["restore finished before the kill"]++
		} else {
			window.widen()
			outcome["restore killed"]++
			kills--
		}
		// A data folder holds a whole restore, or no etcd data at all: then
		// a restore into it succeeds.
		if _, err := os.Stat(filepath.Join(data, "member")); err == nil {
			outcome["restore finished its data folder"]++
			checkRestored(t, data, peer, a)
			continue
		}
		if entries, _ := os.ReadDir(data); len(entries) > 0 {
			outcome["restore left its work behind"]++
		}
		mustRun(t, env, restoreArgs(s3, prefix, data, peer)...)
		if entries, err := os.ReadDir(data); err != nil || len(entries) != 1 || entries[0].Name() != "member" {
			t.Fatalf("the restore after a killed one left %v, %v; want the member folder alone", entries, err)
		}
	}
	checkRestored(t, data, peer, a)
	t.Logf("a snapshot takes %s, a restore %s; %v", snapshotTook.Round(time.Millisecond), restoreTook.Round(time.Millisecond), outcome)
}
