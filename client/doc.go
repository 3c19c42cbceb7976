// Package client reads the schema registry's REST API from Go: schemas and
// their versions as the exact bytes the registry publishes, the lists,
// compatibility verdicts, data validation one document at a time or as a
// streamed NDJSON batch, and Arrow schemas. It depends on the standard
// library only.
//
//	c, err := client.New("https://registry.example.com",
//		client.WithMirror("https://schemas.example.com/"), // the docs site, when the server is down
//	)
//	if err != nil {
//		return err
//	}
//	s, err := c.GetSchema(ctx, "ticks_v1") // the latest version
//	if errors.Is(err, client.ErrNotFound) {
//		...
//	}
//	fmt.Println(s.Version, s.Digest) // 1.1.1 sha256:…; s.Body holds the canonical bytes
//
//	res, err := c.Validate(ctx, "ticks_v1", row)
//	if err == nil && !res.Valid {
//		quarantine(row, res.Errors)
//	}
//
//	for res, err := range c.ValidateBatch(ctx, "ticks_v1", ndjson) {
//		if err != nil {
//			return err
//		}
//		if !res.Valid {
//			quarantine(res.Line, res.Errors)
//		}
//	}
//
// # Caching
//
// Answers with an ETag are kept in memory, keyed by URL (WithCache sets
// how many). A cached answer is revalidated with If-None-Match, and a 304
// costs no body; a version named by its number, which the server marks
// immutable, is served from the cache without a request.
//
// # Retries
//
// Reads, and Validate, which changes nothing on the server, are retried
// after a connection error, a 500, 502, 503, 504 or a 429, with an
// exponential backoff and jitter (WithRetries, WithBackoff). A Retry-After
// header on a 429 or 503 sets the wait, unless it is over MaxRetryAfter.
// No wait outlasts the context: a retry that would end after the
// context's deadline is not made. A batch is retried only when none of its
// body was sent.
//
// # The static mirror
//
// The documentation site mirrors the registry's reads as plain files under
// api/ (see the site package). With WithMirror, GetSchema, GetVersion,
// Versions, List and ArrowSchema read the mirror when the server cannot be
// reached (a connection error or a 5xx, after the retries), and read it
// first for MirrorCooldown after that. The mirror has the same bytes, so a
// Schema from it has the same digest. Compat, Validate, ValidateBatch and
// Health need the server.
//
// # Change events
//
// Watch follows GET /events: an Event per published generation, naming
// the schemas that got new versions. It reopens the stream after a
// failure and resumes after the last event it received, with
// Last-Event-ID, so that no event is missed or repeated:
//
//	for ev, err := range c.Watch(ctx, 0) {
//		if err != nil {
//			return err // the server refused the stream: a 4xx
//		}
//		for _, ch := range ev.Changes {
//			log.Println(ch.ID, ch.Change, ch.Versions)
//		}
//	}
//
// # Errors
//
// An answer that is not a success is an *APIError with the HTTP status and
// the server's error code and message; errors.Is(err, ErrNotFound) matches
// a 404. Errors are wrapped with the call, e.g. "get schema ticks_v1 9.9.9:
// 404 not_found: ...".
package client
