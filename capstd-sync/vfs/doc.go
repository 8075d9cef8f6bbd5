// Package vfs holds what every virtual implementation of capwasi's
// contracts (package common) writes again, and the sandbox depends on
// being right: path resolution confined to a directory ([Resolve]), and
// inode numbers for a file system that has none ([PathInode]).
//
// It imports only package common and the standard library: a third-party
// implementation imports it without compiling capstd-sync's operating
// system code (package capstdsync), which uses it for its io/fs.FS
// directory. capwasi's in-memory implementation (conformance/memfs) uses it
// too.
package vfs
