// Package gitobj reads objects straight from a Git repository's object
// folder: its pack files, mapped into memory, and its loose objects.
//
// It exists for the compiler's walk of a whole history, which reads every
// version of every schema file and the trees that name them: tens of
// thousands of objects, most of them deltas in chains up to fifty deep.
// Objects are found through the pack indexes, a delta's base is taken from
// a byte-bounded cache of the bases already made, and no system call is
// spent on a packed object.
//
// Every size is checked against the caller's limits from the headers,
// before anything is inflated or allocated: an object, a delta's data and
// the base a delta needs each have their bound (Limits), and a delta chain
// has a length bound. Corrupt or hostile data is an error, never a panic.
//
// A Store is safe for concurrent use. It reads only; objects written after
// Open are not seen, except loose ones.
package gitobj
