package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// handleArrow answers GET /schema/{id}/{version}/arrow: the version's Arrow
// schema as IPC stream bytes, which arrow::ipc::ReadSchema reads, or with
// ?format=json as an api.ArrowSchema.
func (s *Server) handleArrow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	version, err := checkVersion(r.PathValue("version"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "arrow" {
		s.writeError(w, r, errorf(ErrBadRequest, "invalid format %q: json, or none for Arrow IPC bytes", format))
		return
	}
	ctx := r.Context()
	g, info, err := s.versionNamed(ctx, id, version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if info.Arrow == "" {
		s.writeError(w, r, errorf(ErrNotFound, "schema %q version %s has no Arrow schema: it has no top-level properties", id, info.Version))
		return
	}
	ipcRep, err := s.arrowRep(ctx, id, info)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rp := ipcRep
	if format == "json" {
		if rp, err = s.arrowJSON(ctx, id, info, ipcRep.body); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.serveVersion(w, r, g, version, rp)
}

// arrowRep returns a version's Arrow IPC bytes, ready to send.
func (s *Server) arrowRep(ctx context.Context, id string, info *etcdstore.VersionInfo) (*rep, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindArrow, a: id, b: info.Arrow}, func(ctx context.Context) (any, int64, error) {
		var data []byte
		err := s.call(ctx, "load_arrow", func(ctx context.Context) (err error) {
			data, err = etcdstore.LoadArrow(ctx, s.etcd, s.opts.Keys, id, info.Version, info.Arrow)
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		rp := newRep(data, typeArrow, info.Arrow)
		return rp, rp.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}

// arrowJSON returns a version's api.ArrowSchema, ready to send.
func (s *Server) arrowJSON(ctx context.Context, id string, info *etcdstore.VersionInfo, ipcBytes []byte) (*rep, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindArrowJSON, a: id, b: info.Arrow + " " + info.Digest}, func(ctx context.Context) (any, int64, error) {
		rd, err := ipc.NewReader(bytes.NewReader(ipcBytes))
		if err != nil {
			return nil, 0, fmt.Errorf("arrow schema of %s %s: %w: %v", id, info.Version, bundle.ErrCorrupt, err)
		}
		defer rd.Release()
		out := api.ArrowSchema{ID: id, Version: info.Version, Digest: info.Arrow, Block: json.RawMessage("null")}
		for _, f := range rd.Schema().Fields() {
			out.Fields = append(out.Fields, api.ArrowField{Name: f.Name, Type: f.Type.String(), Nullable: f.Nullable})
		}
		d, err := s.document(ctx, id, info)
		if err != nil {
			return nil, 0, err
		}
		if block, ok := d.doc.Object()[document.FieldArrow]; ok {
			out.Block = document.Canonical(block)
		}
		rp, err := jsonRep(out)
		if err != nil {
			return nil, 0, err
		}
		return rp, rp.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}
