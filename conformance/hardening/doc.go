// Package hardening holds capwasi's hardening tests: hostile guests,
// hostile hosts, limits and leaks. It has no API; its tests run with
//
//	go test -race github.com/capwasi/capwasi/conformance/hardening
//
// and the hostile-guest fuzzer with
//
//	go test -run '^$' -fuzz FuzzHostileGuest github.com/capwasi/capwasi/conformance/hardening
//
// docs/security.md describes what each test attacks and what it checks.
// The tests need Linux (they count /proc/self/fd and watch the tree outside
// the sandbox with inotify); elsewhere the package is empty.
package hardening
