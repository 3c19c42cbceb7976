package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, on a registry the server
// owns.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	etcdDuration *prometheus.HistogramVec
	etcdErrors   *prometheus.CounterVec
	generation   *prometheus.GaugeVec
	loadedAt     prometheus.Gauge
	rowsChecked  prometheus.Counter
	rowsRejected prometheus.Counter
	handler      http.Handler

	// byRequest caches the children of requests and duration per label
	// set, so that a request looks them up without hashing label values.
	mu        sync.RWMutex
	byRequest map[reqLabels]*reqObservers
}

type reqLabels struct {
	route, method string
	code          int
}

type reqObservers struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), byRequest: map[reqLabels]*reqObservers{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "schemareg_http_requests_total", Help: "HTTP requests by route template, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "schemareg_http_request_duration_seconds", Help: "HTTP request durations by route template and method.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.etcdDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "schemareg_etcd_request_duration_seconds", Help: "etcd request latency by operation.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"op"})
	m.etcdErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "schemareg_etcd_errors_total", Help: "etcd requests that failed, by operation.",
	}, []string{"op"})
	m.generation = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "schemareg_generation_info", Help: "The generation served: 1, labelled with the generation and its commit.",
	}, []string{"generation", "commit"})
	m.loadedAt = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "schemareg_generation_loaded_timestamp_seconds", Help: "When the generation served was last read from etcd.",
	})
	m.rowsChecked = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "schemareg_validation_rows_total", Help: "Data documents validated.",
	})
	m.rowsRejected = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "schemareg_validation_rows_rejected_total", Help: "Data documents found invalid or unparseable.",
	})
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "schemareg_etcd_up", Help: "1 when the last etcd call that tells succeeded.",
	}, func() float64 { return boolFloat(s.health.state().ok) })
	ready := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "schemareg_ready", Help: "1 when the server is ready: etcd reachable and a generation loaded.",
	}, func() float64 { return boolFloat(s.ready()) })
	m.reg.MustRegister(m.requests, m.duration, m.etcdDuration, m.etcdErrors, m.generation, m.loadedAt,
		m.rowsChecked, m.rowsRejected, up, ready, newCacheCollector(s.cache),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// request records one request.
func (m *metrics) request(route, method string, code int, d time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions:
	default:
		method = "other"
	}
	k := reqLabels{route: route, method: method, code: code}
	m.mu.RLock()
	o := m.byRequest[k]
	m.mu.RUnlock()
	if o == nil {
		o = &reqObservers{
			count:    m.requests.WithLabelValues(route, method, strconv.Itoa(code)),
			duration: m.duration.WithLabelValues(route, method),
		}
		m.mu.Lock()
		m.byRequest[k] = o
		m.mu.Unlock()
	}
	o.count.Inc()
	o.duration.Observe(d.Seconds())
}

// etcdDone records one etcd call.
func (m *metrics) etcdDone(op string, d time.Duration, err error) {
	m.etcdDuration.WithLabelValues(op).Observe(d.Seconds())
	if err != nil {
		m.etcdErrors.WithLabelValues(op).Inc()
	}
}

// generationLoaded records the generation served and when it was read.
func (m *metrics) generationLoaded(g *generation) {
	m.generation.Reset()
	m.generation.WithLabelValues(g.cur.Generation, g.cur.Commit).Set(1)
	m.loadedAt.Set(float64(g.loaded.Load()) / 1e9)
}

// serve answers GET /metrics.
func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", cacheNone)
	m.handler.ServeHTTP(w, r)
}

// cacheCollector exports the cache's own counters.
type cacheCollector struct {
	c                                                  *cache
	hits, misses, evictions, stale, entries, bytesHeld *prometheus.Desc
}

func newCacheCollector(c *cache) *cacheCollector {
	return &cacheCollector{
		c:         c,
		hits:      prometheus.NewDesc("schemareg_cache_hits_total", "Cache hits by kind of entry.", []string{"kind"}, nil),
		misses:    prometheus.NewDesc("schemareg_cache_misses_total", "Cache misses (absent or expired) by kind of entry.", []string{"kind"}, nil),
		evictions: prometheus.NewDesc("schemareg_cache_evictions_total", "Entries evicted to keep the cache within its bound.", nil, nil),
		stale:     prometheus.NewDesc("schemareg_cache_stale_served_total", "Expired entries served because etcd could not be reached.", nil, nil),
		entries:   prometheus.NewDesc("schemareg_cache_entries", "Entries in the cache.", nil, nil),
		bytesHeld: prometheus.NewDesc("schemareg_cache_bytes", "Bytes the cache holds, as it weighs them.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (cc *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cc.hits, cc.misses, cc.evictions, cc.stale, cc.entries, cc.bytesHeld} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (cc *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for k := range numKinds {
		ch <- prometheus.MustNewConstMetric(cc.hits, prometheus.CounterValue, float64(cc.c.hits[k].Load()), k.String())
		ch <- prometheus.MustNewConstMetric(cc.misses, prometheus.CounterValue, float64(cc.c.misses[k].Load()), k.String())
	}
	st := cc.c.stats()
	ch <- prometheus.MustNewConstMetric(cc.evictions, prometheus.CounterValue, float64(st.Evictions))
	ch <- prometheus.MustNewConstMetric(cc.stale, prometheus.CounterValue, float64(st.Stale))
	ch <- prometheus.MustNewConstMetric(cc.entries, prometheus.GaugeValue, float64(st.Entries))
	ch <- prometheus.MustNewConstMetric(cc.bytesHeld, prometheus.GaugeValue, float64(st.Bytes))
}
