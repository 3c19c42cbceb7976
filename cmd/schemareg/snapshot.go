package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/etcdclient"
	"github.com/schemareg/schemareg/snapshot"
)

func runSnapshot(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("snapshot", "snapshot --to s3://bucket/prefix|file:///dir [--every 24h] [--keep N] [flags]", e)
	var etcd etcdclient.Config
	etcd.RegisterFlags(fs)
	to := fs.String("to", "", "where to store snapshots: s3://bucket/prefix or file:///dir")
	every := fs.Duration("every", 0, "keep running and take a snapshot this often, e.g. 24h (0: once)")
	keep := fs.Int("keep", 0, "after each snapshot, delete all but the newest N (0: keep all)")
	tempDir := fs.String("temp-dir", "", "where a snapshot waits, checked, before its upload (default: the system's)")
	logFormat := choiceFlag(fs, "log-format", "text", "log format on stderr: text or json", "text", "json")
	pushgateway := fs.String("pushgateway", "", "after each snapshot, push its size, duration and time to this Prometheus Pushgateway `URL` (job "+snapshotJob+")")
	s3f := registerS3Flags(fs)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf("snapshot takes no arguments, got %q", fs.Args())
	case *to == "":
		return usageErrorf("snapshot: give --to s3://bucket/prefix or file:///dir (%s)", envName("to"))
	case *keep < 0 || *every < 0:
		return usageErrorf("snapshot: --keep and --every cannot be negative")
	}
	logger, err := newCommandLogger(e.stderr, *logFormat)
	if err != nil {
		return err
	}
	var metrics *snapMetrics
	if *pushgateway != "" {
		if metrics, err = newSnapMetrics(*pushgateway); err != nil {
			return usageErrorf("snapshot: %v", err)
		}
	}
	store, err := snapshot.Open(ctx, *to, snapshot.Config{S3: s3f.config(e)})
	if err != nil {
		return usageErrorf("snapshot: %v", err)
	}
	// A single snapshot waits at most the dial timeout for etcd; a
	// periodic one connects lazily and retries on each tick.
	connect := etcdclient.Dial
	if *every > 0 {
		connect = func(_ context.Context, c etcdclient.Config) (*clientv3.Client, error) { return etcdclient.New(c) }
	}
	cli, err := connect(ctx, etcd)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer cli.Close()
	snap := snapshot.New(cli, store, logger)
	snap.Keep, snap.TempDir = *keep, *tempDir
	return snap.Run(ctx, *every, func(info snapshot.Info, err error) {
		if metrics != nil {
			if perr := metrics.push(ctx, info, err); perr != nil {
				// The snapshot stands; its metrics are missing.
				logger.Warn("snapshot metrics not pushed", "error", perr)
			}
		}
		if err == nil {
			fmt.Fprintf(e.stdout, "stored %s (%d bytes) in %s\n", info.Name, info.Size, strings.TrimSuffix(*to, "/"))
		} else if *every > 0 {
			fmt.Fprintf(e.stderr, "schemareg: snapshot: %v (next try in %s)\n", err, every.Round(time.Second))
		}
	})
}

// s3Flags are the S3 settings of snapshot and restore. Credentials come
// from the AWS environment, never from a flag.
type s3Flags struct {
	endpoint, region *string
	pathStyle        *bool
}

func registerS3Flags(fs *flag.FlagSet) *s3Flags {
	return &s3Flags{
		endpoint:  fs.String("s3-endpoint", "", "S3 endpoint `URL` for S3-compatible stores (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then AWS)"),
		region:    fs.String("s3-region", "", "S3 region (default: AWS_REGION, AWS_DEFAULT_REGION, then the AWS config)"),
		pathStyle: fs.Bool("s3-path-style", false, "address buckets as endpoint/bucket (MinIO and most S3-compatible stores)"),
	}
}

// config fills the S3 settings from the flags, then the AWS environment
// variables; credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// and AWS_SESSION_TOKEN, else from the AWS SDK's own chain.
func (f *s3Flags) config(e *env) snapshot.S3Config {
	first := func(vals ...string) string {
		for _, v := range vals {
			if v != "" {
				return v
			}
		}
		return ""
	}
	return snapshot.S3Config{
		Endpoint:        first(*f.endpoint, e.getenv("AWS_ENDPOINT_URL_S3"), e.getenv("AWS_ENDPOINT_URL")),
		Region:          first(*f.region, e.getenv("AWS_REGION"), e.getenv("AWS_DEFAULT_REGION")),
		PathStyle:       *f.pathStyle,
		AccessKeyID:     e.getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: e.getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    e.getenv("AWS_SESSION_TOKEN"),
	}
}
