package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// DefaultShutdownGrace bounds how long a shutdown waits for the requests
// in flight.
const DefaultShutdownGrace = 30 * time.Second

// ListenAndServe listens on srv.Addr and serves until ctx ends; see Serve.
func ListenAndServe(ctx context.Context, srv *http.Server, logger *slog.Logger, grace time.Duration) error {
	ln, err := listen(srv.Addr)
	if err != nil {
		return err
	}
	return Serve(ctx, srv, ln, logger, grace)
}

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("listen on %s: %w; another process has the port: stop it, or pick another with --addr (SCHEMAREG_ADDR)", addr, err)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve serves srv on ln, with TLS when srv.TLSConfig is set, until ctx
// ends. Then it shuts down gracefully: it stops accepting connections and
// waits up to grace (0: DefaultShutdownGrace) for the requests in flight to
// finish. It returns nil after a clean shutdown.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger, grace time.Duration) error {
	return serve(ctx, srv, ln, logger, grace, nil)
}

// ListenAndServe listens on hs.Addr and serves s until ctx ends; see Serve.
func (s *Server) ListenAndServe(ctx context.Context, hs *http.Server, grace time.Duration) error {
	ln, err := listen(hs.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, hs, ln, grace)
}

// Serve serves s's handler on ln with hs's settings (timeouts, TLS) until
// ctx ends, and shuts down as the package's Serve does. On plain HTTP, the
// reads of cached versions are answered on the lane made for them (see
// fastLane), every other request by hs, on the same connections.
func (s *Server) Serve(ctx context.Context, hs *http.Server, ln net.Listener, grace time.Duration) error {
	hs.Handler = s.handler
	var lane *fastLane
	if hs.TLSConfig == nil && !s.laneOff {
		lane = newFastLane(s, hs, ln)
		s.lane.Store(lane)
	}
	return serve(ctx, hs, ln, s.logger, grace, lane)
}

func serve(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger, grace time.Duration, lane *fastLane) error {
	if grace <= 0 {
		grace = DefaultShutdownGrace
	}
	tlsOn := srv.TLSConfig != nil // read before Serve configures the server
	errc := make(chan error, 1)
	go func() {
		switch {
		case tlsOn:
			errc <- srv.ServeTLS(ln, "", "")
		case lane != nil:
			go lane.run()
			errc <- srv.Serve(lane.handoff)
		default:
			errc <- srv.Serve(ln)
		}
	}()
	logger.Info("serving", LogKeyAddr, ln.Addr().String(), "tls", tlsOn)
	select {
	case err := <-errc:
		if lane != nil {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
			lane.shutdown(sctx)
			cancel()
		}
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	laneDone := make(chan error, 1)
	if lane != nil {
		go func() { laneDone <- lane.shutdown(sctx) }()
	} else {
		laneDone <- nil
	}
	err := srv.Shutdown(sctx)
	if lerr := <-laneDone; err == nil {
		err = lerr
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// TLSConfig returns the server's TLS configuration: the certificate and its
// key and, when clientCAFile is set, mutual TLS: every client must present
// a certificate signed by a CA in that file, or the handshake fails.
func TLSConfig(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, fmt.Errorf("tls: a certificate needs both --tls-cert and --tls-key")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: load %s and %s: %w", certFile, keyFile, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAFile != "" {
		pool, err := certPool(clientCAFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls: no PEM certificate in %s", file)
	}
	return pool, nil
}
