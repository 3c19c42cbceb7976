// Package semver holds schema versions (semantic versions, MAJOR.MINOR.PATCH
// with an optional pre-release) and the bump rule: how far a new version
// must move past the one before for the changes it makes.
//
//	v, err := semver.Parse("1.2.0")
//	ok, notice, err := semver.CheckBump(old, v, semver.BumpMinor)
//
// It imports nothing of this module; any package may import it.
package semver
