package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/schemareg/schemareg/syncer"
)

// syncMetrics are what `schemareg sync --watch --metrics-addr` exposes at
// /metrics: its publishes, their failures, the last success and whether
// this process leads.
type syncMetrics struct {
	reg         *prometheus.Registry
	attempts    *prometheus.CounterVec
	duration    prometheus.Histogram
	lastSuccess prometheus.Gauge
	leader      prometheus.Gauge
}

func newSyncMetrics() *syncMetrics {
	m := &syncMetrics{reg: prometheus.NewRegistry()}
	m.attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "schemareg_syncer_publishes_total",
		Help: "Publish attempts by result: published, unchanged or failed.",
	}, []string{"result"})
	m.duration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "schemareg_syncer_publish_duration_seconds",
		Help:    "How long publishes into etcd take, failed ones included.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 14), // 10 ms to 82 s
	})
	m.lastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "schemareg_syncer_last_success_timestamp_seconds",
		Help: "When a publish last succeeded (or found etcd already current), in seconds since the epoch.",
	})
	m.leader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "schemareg_syncer_leader",
		Help: "1 while this syncer leads (or runs without election) and publishes, else 0.",
	})
	for _, r := range []string{"published", "unchanged", "failed"} {
		m.attempts.WithLabelValues(r)
	}
	m.reg.MustRegister(m.attempts, m.duration, m.lastSuccess, m.leader,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts one attempt of the watcher.
func (m *syncMetrics) observe(a syncer.Attempt) {
	if a.Publish > 0 {
		m.duration.Observe(a.Publish.Seconds())
	}
	switch {
	case a.Err != nil:
		m.attempts.WithLabelValues("failed").Inc()
	case a.Result != nil:
		m.attempts.WithLabelValues("published").Inc()
		m.lastSuccess.SetToCurrentTime()
	default:
		m.attempts.WithLabelValues("unchanged").Inc()
		m.lastSuccess.SetToCurrentTime()
	}
}

// listen serves /metrics and /health on addr until ctx ends. The listener
// is opened before it returns, so a bad address is reported at start.
func (m *syncMetrics) listen(ctx context.Context, addr string, logger *slog.Logger) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "error", err)
		}
	}()
	logger.Info("serving metrics", "addr", l.Addr().String())
	return nil
}
