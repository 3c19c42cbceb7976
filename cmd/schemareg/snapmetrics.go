package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/schemareg/schemareg/snapshot"
)

// snapshotJob is the Pushgateway job snapshot metrics are pushed under.
const snapshotJob = "schemareg_snapshot"

// snapMetrics are what `schemareg snapshot --pushgateway URL` pushes after
// each snapshot: a snapshot is a batch job (a CronJob), which Prometheus
// cannot scrape, so it pushes to a Pushgateway as Prometheus advises for
// batch jobs. A success replaces the success gauges, a failure only the
// failure gauge, so the last success stays visible after a failure.
type snapMetrics struct {
	url                 string
	client              *http.Client
	lastSuccess, size   prometheus.Gauge
	duration, lastError prometheus.Gauge
}

func newSnapMetrics(rawURL string) (*snapMetrics, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--pushgateway %q is not an http(s) URL, e.g. http://pushgateway:9091", rawURL)
	}
	return &snapMetrics{
		url:    rawURL,
		client: &http.Client{Timeout: 10 * time.Second},
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "schemareg_snapshot_last_success_timestamp_seconds",
			Help: "When a snapshot was last stored, in seconds since the epoch.",
		}),
		size: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "schemareg_snapshot_size_bytes",
			Help: "Size of the last snapshot stored.",
		}),
		duration: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "schemareg_snapshot_duration_seconds",
			Help: "How long the last stored snapshot took, from etcd to the store.",
		}),
		lastError: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "schemareg_snapshot_last_failure_timestamp_seconds",
			Help: "When a snapshot last failed, in seconds since the epoch.",
		}),
	}, nil
}

// push sends the outcome of one snapshot. A push that fails is returned
// for the caller to log: the snapshot itself stands.
func (m *snapMetrics) push(ctx context.Context, info snapshot.Info, err error) error {
	p := push.New(m.url, snapshotJob).Client(m.client)
	if err != nil {
		m.lastError.SetToCurrentTime()
		p = p.Collector(m.lastError)
	} else {
		m.lastSuccess.SetToCurrentTime()
		m.size.Set(float64(info.Size))
		m.duration.Set(info.Took.Seconds())
		p = p.Collector(m.lastSuccess).Collector(m.size).Collector(m.duration)
	}
	if perr := p.AddContext(ctx); perr != nil {
		return fmt.Errorf("push snapshot metrics to %s: %w", m.url, perr)
	}
	return nil
}
