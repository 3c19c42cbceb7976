// Package render prints what the compiler returns: a diff's changes and a
// check report, as text (with colour on a terminal), JSON, Markdown or
// GitHub workflow annotations, for the CLI and the Action alike.
//
//	f, err := render.ParseFormat("markdown")
//	err = render.WriteDiff(os.Stdout, f, "ticks_v1.json", res)
//	err = render.WriteCheck(os.Stdout, f, report, false)
//
// It imports compiler and compat for their result types; nothing in the
// compiler imports it.
package render
