package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("boom"), false},
		{context.Canceled, false},
		{context.DeadlineExceeded, true},
		{fmt.Errorf("get x: %w", context.DeadlineExceeded), true},
		{rpctypes.ErrLeaderChanged, true},
		{rpctypes.ErrNoLeader, true},
		{rpctypes.ErrTimeout, true},
		{rpctypes.ErrTooManyRequests, true},
		{rpctypes.ErrGRPCNoLeader, true},
		{status.Error(codes.Unavailable, "connection refused"), true},
		{rpctypes.ErrTooManyOps, false},
		{rpctypes.ErrRequestTooLarge, false},
		{rpctypes.ErrPermissionDenied, false},
		{rpctypes.ErrAuthFailed, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := Transient(tt.err); got != tt.want {
				t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestBatchesFitTransactions(t *testing.T) {
	s := New(nil, testLogger(t))
	s.MaxTxnOps, s.MaxTxnBytes = 3, 1000
	var writes []write
	for i := 0; i < 7; i++ {
		writes = append(writes, write{key: fmt.Sprintf("k%d", i), value: make([]byte, 100)})
	}
	writes = append(writes, write{key: "big", value: make([]byte, 900)}, write{key: "last", value: []byte("x")})
	var sizes []int
	total := 0
	for _, b := range s.batches(writes, 3) {
		sizes = append(sizes, len(b))
		total += len(b)
	}
	if want := "[3 3 1 2]"; fmt.Sprint(sizes) != want || total != len(writes) {
		t.Fatalf("batches of %v, want %s", sizes, want)
	}
}

func TestResultString(t *testing.T) {
	gen := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		res  Result
		want string
	}{
		{Result{Generation: gen, NoOp: true, Revision: 7}, "generation sha256:abababababab already published (revision 7): nothing written"},
		{Result{Generation: gen, DryRun: true, Keys: 3, Bytes: 10}, "dry run: generation sha256:abababababab would write 3 keys, 10 bytes (previous (none))"},
		{Result{Generation: gen, Previous: gen, Keys: 3, Bytes: 10, Revision: 9, Conflicts: 1, Pruned: 2},
			"published generation sha256:abababababab over sha256:abababababab: 3 keys, 10 bytes, revision 9, 1 conflicts, 2 generations pruned"},
	}
	for _, tt := range tests {
		if got := tt.res.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestOlder(t *testing.T) {
	mk := func(versions int, first int) *plan {
		p, _, err := newPlan(bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: versions, First: first}), DefaultMaxTxnBytes, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	published := func(p *plan) (map[string]etcdstore.Entry, map[string]*etcdstore.VersionList) {
		entries := map[string]etcdstore.Entry{}
		lists := map[string]*etcdstore.VersionList{}
		for _, sp := range p.schemas {
			entries[sp.entry.ID] = sp.entry
			vl := &etcdstore.VersionList{}
			for _, v := range sp.versions {
				vl.Versions = append(vl.Versions, etcdstore.VersionInfo{Version: v.version, Digest: v.digest})
			}
			lists[sp.entry.ID] = vl
		}
		return entries, lists
	}
	tests := []struct {
		name      string
		cur, next *plan
		want      bool
	}{
		{"AncestorBundle", mk(3, 0), mk(2, 0), true},
		{"NewerBundle", mk(2, 0), mk(3, 0), false},
		{"SameVersions", mk(2, 0), mk(2, 0), false},
		{"OtherSchemas", mk(3, 0), mk(1, 5), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, lists := published(tt.cur)
			if got := older(tt.next, tt.next.changed(entries), entries, lists); got != tt.want {
				t.Errorf("older() = %v, want %v", got, tt.want)
			}
		})
	}
}
