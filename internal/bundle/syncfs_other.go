//go:build !linux

package bundle

import "syscall"

// syncFS makes everything written durable.
func syncFS(dir string) error {
	syscall.Sync()
	return nil
}
