package client

import (
	"container/list"
	"net/http"
	"strings"
	"sync"
)

// cache holds answers by URL, the least recently used evicted first. It is
// safe for concurrent use.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *entry, most recently used first
	byURL map[string]*list.Element
}

// entry is one cached answer. It is immutable once stored; a newer answer
// replaces it.
type entry struct {
	url   string
	etag  string
	ctype string
	body  []byte
	// immutable: the server said the answer never changes, so it is served
	// without asking again.
	immutable bool
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), byURL: make(map[string]*list.Element)}
}

// get returns the entry of a URL.
func (c *cache) get(url string) (*entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byURL[url]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry), true
}

// put stores the answer to a URL, replacing the one before.
func (c *cache) put(url string, r *reply, immutable bool) {
	e := &entry{url: url, etag: r.etag, ctype: r.ctype, body: r.body, immutable: immutable}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byURL[url]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.byURL[url] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byURL, last.Value.(*entry).url)
	}
}

// len returns how many answers the cache holds.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// reply returns the entry as a reply.
func (e *entry) reply() *reply {
	return &reply{body: e.body, etag: e.etag, ctype: e.ctype}
}

// immutableReply returns the cached answer to a URL when the server said it
// never changes.
func (c *Client) immutableReply(url string) (*reply, bool) {
	if c.cache == nil {
		return nil, false
	}
	if e, ok := c.cache.get(url); ok && e.immutable {
		return e.reply(), true
	}
	return nil, false
}

// immutable reports whether a response says it never changes.
func immutable(h http.Header) bool { return hasDirective(h, "immutable") }

// noStore reports whether a response may not be cached.
func noStore(h http.Header) bool { return hasDirective(h, "no-store") }

func hasDirective(h http.Header, name string) bool {
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			k, _, _ := strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(k, name) {
				return true
			}
		}
	}
	return false
}
