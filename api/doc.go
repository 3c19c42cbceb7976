// Package api holds the JSON wire types of the registry's HTTP API and the
// one way they are encoded. The server answers with them, the site's static
// mirror holds them and the client decodes them, so a CDN serving the mirror
// and the server answer the same bytes, and a client reads either.
//
// The package imports only the standard library: a program that talks to
// the registry can use it without the registry's compiler, server or etcd.
//
//	var l api.SchemaList
//	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
//		return err
//	}
//	for _, s := range l.Schemas {
//		fmt.Println(s.ID, s.Latest)
//	}
//
// The bodies the registry builds are encoded with Encode: no HTML escaping,
// no indentation, a trailing newline.
package api
