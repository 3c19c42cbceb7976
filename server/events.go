package server

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// eventHistory is how many generation events the server keeps for clients
// that resume with Last-Event-ID; one that resumes from before them gets a
// reset event.
const eventHistory = 256

// eventHub holds the recent generation events and wakes the streams that
// wait for the next one. Its zero value is ready to use.
type eventHub struct {
	mu sync.Mutex
	// events are the recent events, oldest first, ids increasing.
	events []api.Event
	// base is the id history starts after: every event with a greater id
	// is in events. 0 until a generation is loaded.
	base int64
	// cur is the event of the generation served now, without changes.
	cur api.Event
	// changed is closed, and replaced, when an event is published.
	changed chan struct{}
	// streams counts the open streams.
	streams int
	// done is closed when the server stops following etcd: the streams
	// end, so that a graceful shutdown does not wait for them.
	done     chan struct{}
	stopping bool
}

// doneChan returns the channel closed by stop. Call it with mu held.
func (h *eventHub) doneChan() chan struct{} {
	if h.done == nil {
		h.done = make(chan struct{})
	}
	return h.done
}

// stop ends every stream, and refuses new ones.
func (h *eventHub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopping {
		h.stopping = true
		close(h.doneChan())
	}
}

// stopped returns a channel closed once the streams must end.
func (h *eventHub) stopped() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.doneChan()
}

// publish records the event of a newly loaded generation, or, for the first
// generation (changes nil and no event before), where history starts.
func (h *eventHub) publish(ev api.Event, first bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cur := ev
	cur.Changes = []api.EventChange{}
	if first || h.base == 0 {
		h.base, h.cur = ev.Revision, cur
		h.wake()
		return
	}
	if ev.Revision <= h.cur.Revision {
		return // an older generation than the one served; not an event
	}
	h.events = append(h.events, ev)
	if len(h.events) > eventHistory {
		h.base = h.events[0].Revision
		h.events = slices.Delete(h.events, 0, 1)
	}
	h.cur = cur
	h.wake()
}

func (h *eventHub) wake() {
	if h.changed != nil {
		close(h.changed)
	}
	h.changed = make(chan struct{})
}

// acquire counts a new stream, unless max are open.
func (h *eventHub) acquire(max int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.streams >= max || h.stopping {
		return false
	}
	h.streams++
	return true
}

func (h *eventHub) release() {
	h.mu.Lock()
	h.streams--
	h.mu.Unlock()
}

// streamEvent is one event to send: its type and data.
type streamEvent struct {
	kind string
	data api.Event
}

// since returns what a stream that last saw id after must send now, and a
// channel closed when there is more. after < 0 asks for the ready event, as
// for a stream opened without Last-Event-ID; an after older than the
// history gets a reset.
func (h *eventHub) since(after int64) ([]streamEvent, int64, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.changed == nil {
		h.changed = make(chan struct{})
	}
	switch {
	case h.base == 0:
		return nil, after, h.changed
	case after < 0:
		return []streamEvent{{api.EventReady, h.cur}}, h.cur.Revision, h.changed
	case after < h.base:
		return []streamEvent{{api.EventReset, h.cur}}, h.cur.Revision, h.changed
	}
	var out []streamEvent
	i, _ := slices.BinarySearchFunc(h.events, after+1, func(e api.Event, rev int64) int { return cmp.Compare(e.Revision, rev) })
	for _, ev := range h.events[i:] {
		out = append(out, streamEvent{api.EventGeneration, ev})
		after = ev.Revision
	}
	return out, after, h.changed
}

// generationEvent is the event of g replacing old: which schemas were
// added, removed, deprecated or got new versions. The new versions come
// from the two version lists; when one cannot be read, the latest version
// alone is listed.
func (s *Server) generationEvent(ctx context.Context, old, g *generation) (api.Event, bool) {
	ev := api.Event{Revision: g.modRev, Generation: g.cur.Generation, Commit: g.cur.Commit,
		Published: g.cur.Published, Changes: []api.EventChange{}}
	if old == nil {
		return ev, true
	}
	if changed := len(g.schemas) - countSame(old, g); changed > eventPreload {
		// Many new version lists: read them in batched transactions (the
		// cache keeps them for the warm-up that follows) rather than one by one.
		if _, err := s.schemaList(ctx, g); err != nil {
			s.logger.Warn("version lists of a generation event", LogKeyGeneration, g.cur.Generation, LogKeyError, err)
		}
	}
	for _, e := range g.schemas {
		o, ok := old.byID[e.ID]
		if !ok {
			ev.Changes = append(ev.Changes, api.EventChange{ID: e.ID, Change: api.ChangeAdded,
				Versions: s.addedVersions(ctx, nil, &e), Latest: e.Latest, Deprecated: e.Deprecated})
			continue
		}
		if *o == e {
			continue
		}
		c := api.EventChange{ID: e.ID, Latest: e.Latest, Deprecated: e.Deprecated}
		if o.Count != e.Count || o.Latest != e.Latest {
			c.Versions = s.addedVersions(ctx, o, &e)
		}
		switch {
		case e.Deprecated && !o.Deprecated:
			c.Change = api.ChangeDeprecated
		case !e.Deprecated && o.Deprecated:
			c.Change = api.ChangeUndeprecated
		case len(c.Versions) > 0:
			c.Change = api.ChangeVersions
		default:
			c.Change = api.ChangeUpdated
		}
		ev.Changes = append(ev.Changes, c)
	}
	for _, o := range old.schemas {
		if _, ok := g.byID[o.ID]; !ok {
			ev.Changes = append(ev.Changes, api.EventChange{ID: o.ID, Change: api.ChangeRemoved})
		}
	}
	slices.SortFunc(ev.Changes, func(a, b api.EventChange) int { return cmp.Compare(a.ID, b.ID) })
	return ev, false
}

// eventPreload is how many changed schemas an event reads the version
// lists of one by one; more are read in batches.
const eventPreload = 16

// countSame counts the schemas of g whose index entry old has as it is.
func countSame(old, g *generation) int {
	n := 0
	for i := range g.schemas {
		if o, ok := old.byID[g.schemas[i].ID]; ok && *o == g.schemas[i] {
			n++
		}
	}
	return n
}

// addedVersions returns the versions of e that o (nil: none) does not have,
// oldest first; on a read error, e's latest alone.
func (s *Server) addedVersions(ctx context.Context, o, e *etcdstore.Entry) []string {
	cur, err := s.versions(ctx, e)
	if err != nil {
		s.logger.Warn("versions of a generation event", LogKeySchema, e.ID, LogKeyError, err)
		return []string{e.Latest}
	}
	had := map[string]bool{}
	if o != nil {
		prev, err := s.versions(ctx, o)
		if err != nil {
			s.logger.Warn("versions of a generation event", LogKeySchema, o.ID, LogKeyError, err)
			return []string{e.Latest}
		}
		for v := range prev.byVersion {
			had[v] = true
		}
	}
	var out []string
	for _, v := range cur.list.Versions {
		if !had[v.Version] {
			out = append(out, v.Version)
		}
	}
	return out
}
