package etcdtest

import (
	"testing"
)

func TestStartStopRestart(t *testing.T) {
	srv := Start(t)
	cli := srv.Client(t)
	if _, err := cli.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	srv.Stop() // a second Stop must not panic
	if srv.Running() {
		t.Fatal("Running after Stop")
	}
	srv.Restart(t)
	WaitReady(t, cli)
	resp, err := cli.Get(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("after restart got %v, want k=v", resp.Kvs)
	}
}

func TestCluster(t *testing.T) {
	c := StartCluster(t, 3)
	cli := c.Client(t)
	if _, err := cli.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	c.Members[0].Stop()
	WaitReady(t, cli)
	if _, err := cli.Put(t.Context(), "k", "v2"); err != nil {
		t.Fatalf("put with one member down: %v", err)
	}
}
