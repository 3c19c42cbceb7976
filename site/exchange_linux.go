package site

import "golang.org/x/sys/unix"

// exchange swaps two directories with one renameat2(RENAME_EXCHANGE): a
// reader of dir sees the old site or the new one, never none.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
